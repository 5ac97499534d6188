#!/bin/sh
# Run before `npm test`: the browser tests need Chromium and the serial card-reader test needs socat.
# On a Debian machine as root they are installed; elsewhere the message says what to install.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || [ -n "${ZHUCAN_CHROMIUM:-}" ] || missing="$missing chromium"
command -v socat >/dev/null 2>&1 || missing="$missing socat"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing for the tests:$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "the tests need:$missing (Debian: sudo apt-get install$missing; or set ZHUCAN_CHROMIUM to a Chromium binary)" >&2
  exit 1
fi
