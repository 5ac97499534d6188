import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PcscReader } from './pcsc-reader.ts';

describe('PcscReader without nfc-pcsc', () => {
  test('start() rejects, telling what to install (nfc-pcsc is not a dependency)', async () => {
    const reader = new PcscReader();
    await expect(reader.start()).rejects.toThrow(
      /nfc-pcsc.*apt-get install libpcsclite-dev pcscd.*npm install nfc-pcsc/s,
    );
    expect(reader.status()).toBe('disconnected');
  });
});

/** Just enough of nfc-pcsc to drive the reader: devices are emitted by the test. */
class FakeDevice extends EventEmitter {
  autoProcessing = true;
  closed = false;
  constructor(
    readonly name: string,
    public answer: Buffer,
  ) {
    super();
  }
  async transmit(): Promise<Buffer> {
    return this.answer;
  }
  close() {
    this.closed = true;
  }
}

describe('PcscReader with a fake nfc-pcsc', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function setUp(readerName?: string) {
    dir = mkdtempSync(join(tmpdir(), 'zhucan-pcsc-'));
    const socket = join(dir, 'pcscd.comm');
    const instances: EventEmitter[] = [];
    class NFC extends EventEmitter {
      constructor() {
        super();
        instances.push(this);
      }
      close() {}
    }
    const reader = new PcscReader({
      readerName,
      pcscdSocket: socket,
      reconnectMs: 10,
      loadModule: async () => ({ default: { NFC } }),
    });
    return { reader, socket, instances };
  }

  test('waits for pcscd, then reads UIDs with GET DATA from the named reader only', async () => {
    const { reader, socket, instances } = setUp('ACR122');
    const cards: string[] = [];
    reader.onCard((uid) => cards.push(uid));

    await reader.start();
    // No daemon: nfc-pcsc would block the process, so it is not even constructed.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(instances).toHaveLength(0);
    expect(reader.status()).toBe('disconnected');

    writeFileSync(socket, '');
    await expect.poll(() => instances.length).toBe(1);
    const nfc = instances[0] as EventEmitter;

    const other = new FakeDevice('Some Contact Reader 00', Buffer.from([0x11, 0x22, 0x33, 0x44, 0x90, 0x00]));
    nfc.emit('reader', other);
    expect(reader.status()).toBe('disconnected');

    const acr = new FakeDevice(
      'ACS ACR122U PICC Interface 00',
      Buffer.from([0x04, 0xa1, 0xb2, 0xc3, 0x90, 0x00]),
    );
    nfc.emit('reader', acr);
    expect(reader.status()).toBe('connected');
    expect(acr.autoProcessing).toBe(false);

    acr.emit('card', {});
    other.emit('card', {});
    await expect.poll(() => cards).toEqual(['04A1B2C3']);

    // A card that refuses GET DATA gives no UID rather than a wrong one.
    acr.answer = Buffer.from([0x04, 0xa1, 0x6a, 0x81]);
    acr.emit('card', {});
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cards).toEqual(['04A1B2C3']);

    acr.emit('end');
    expect(reader.status()).toBe('disconnected');
    await reader.stop();
  });

  test('stop() closes the devices', async () => {
    const { reader, socket, instances } = setUp();
    writeFileSync(socket, '');
    await reader.start();
    const device = new FakeDevice('any', Buffer.from([0x90, 0x00]));
    (instances[0] as EventEmitter).emit('reader', device);
    expect(reader.status()).toBe('connected');
    await reader.stop();
    expect(device.closed).toBe(true);
    expect(reader.status()).toBe('disconnected');
  });
});
