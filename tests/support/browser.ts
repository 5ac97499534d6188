import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Where browser tests leave their screenshots, to be looked at. */
export const SCREENSHOTS = path.resolve('.tmp/screenshots');

/** Debian's Chromium, headless, with the flags this network needs (STACK.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ZHUCAN_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
