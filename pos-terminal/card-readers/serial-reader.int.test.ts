import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReaderStatus } from './card-reader.ts';
import { SerialReader } from './serial-reader.ts';

// A pseudo-terminal pair stands in for the reader's cable: the SerialReader opens one end, the test
// plays the reader on the other.

let dir = '';
let readerEnd = '';
let deviceEnd = '';

beforeAll(() => {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('socat is needed for the serial reader test: apt-get install -y socat');
  }
  dir = mkdtempSync(join(tmpdir(), 'zhucan-serial-'));
  readerEnd = join(dir, 'reader');
  deviceEnd = join(dir, 'device');
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startSocat(): Promise<ChildProcess> {
  const socat = spawn('socat', [`pty,raw,echo=0,link=${readerEnd}`, `pty,raw,echo=0,link=${deviceEnd}`], {
    stdio: 'ignore',
  });
  await waitFor('socat to create the pseudo-terminals', () => existsSync(readerEnd) && existsSync(deviceEnd));
  return socat;
}

async function stopSocat(socat: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => socat.once('exit', resolve));
  socat.kill('SIGTERM');
  await exited;
}

/** Plays the reader: keeps its end open, since socat ends when the last user of an end closes it. */
function openDevice(): { write(text: string): void; close(): void } {
  const fd = openSync(deviceEnd, constants.O_RDWR | constants.O_NOCTTY);
  return { write: (text) => writeSync(fd, text), close: () => closeSync(fd) };
}

test('reads card lines, goes disconnected when the device goes away and reconnects when it is back', async () => {
  const reader = new SerialReader({ path: readerEnd, reconnectMs: 100 });
  const cards: string[] = [];
  const statuses: ReaderStatus[] = [];
  reader.onCard((uid) => cards.push(uid));
  reader.onStatus((status) => statuses.push(status));

  // No device yet: start() does not throw, the reader waits for it.
  await reader.start();
  expect(reader.status()).toBe('disconnected');

  let socat = await startSocat();
  try {
    await waitFor('the reader to connect', () => reader.status() === 'connected');
    let device = openDevice();
    device.write('card0001\r\n');
    device.write('  ab12');
    device.write('cd34 \r');
    device.write('\n');
    await waitFor('two cards', () => cards.length >= 2);
    expect(cards).toEqual(['CARD0001', 'AB12CD34']);

    device.close();
    await stopSocat(socat);
    await waitFor('the reader to notice', () => reader.status() === 'disconnected');

    socat = await startSocat();
    await waitFor('the reader to reconnect', () => reader.status() === 'connected');
    device = openDevice();
    device.write('CARD0002\n');
    await waitFor('the card after reconnecting', () => cards.length >= 3);
    expect(cards).toEqual(['CARD0001', 'AB12CD34', 'CARD0002']);
    expect(statuses).toEqual(['connected', 'disconnected', 'connected']);
    device.close();
  } finally {
    await reader.stop();
    await stopSocat(socat);
  }
  expect(reader.status()).toBe('disconnected');
});

test('applies the line format: a pattern picks the UID and decimal becomes hex', async () => {
  const socat = await startSocat();
  const reader = new SerialReader({
    path: readerEnd,
    baudRate: 115200,
    format: { pattern: 'UID=(?<uid>\\d+)', encoding: 'decimal-to-hex' },
  });
  const cards: string[] = [];
  reader.onCard((uid) => cards.push(uid));
  try {
    await reader.start();
    expect(reader.status()).toBe('connected');
    const device = openDevice();
    device.write('READER READY\r\nUID=0305419896\r\n');
    await waitFor('the card', () => cards.length >= 1);
    expect(cards).toEqual(['12345678']);
    device.close();
  } finally {
    await reader.stop();
    await stopSocat(socat);
  }
});
