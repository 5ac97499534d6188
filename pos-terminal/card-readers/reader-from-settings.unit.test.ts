import { describe, expect, test } from 'vitest';
import { readerFromSettings, readerSettingsSchema } from './reader-from-settings.ts';
import { acceptsTaps } from './simulated-reader.ts';

describe('readerSettingsSchema', () => {
  test('accepts each kind', () => {
    const settings = [
      { kind: 'simulated' },
      { kind: 'keyboard' },
      { kind: 'serial', path: '/dev/ttyUSB0' },
      {
        kind: 'serial',
        path: '/dev/ttyS0',
        baudRate: 19200,
        format: { delimiter: '\u0003', pattern: 'UID:(?<uid>\\w+)', encoding: 'decimal-to-hex' },
      },
      { kind: 'pcsc', readerName: 'ACR122' },
    ];
    for (const setting of settings) expect(readerSettingsSchema.parse(setting)).toEqual(setting);
  });

  test('refuses unknown kinds, missing paths, misspelt keys and patterns without a uid group', () => {
    const bad = [
      { kind: 'usb' },
      { kind: 'serial' },
      { kind: 'serial', path: '/dev/ttyUSB0', baudrate: 9600 },
      { kind: 'serial', path: '/dev/ttyUSB0', format: { pattern: '(\\d+)' } },
      { kind: 'serial', path: '/dev/ttyUSB0', format: { encoding: 'octal' } },
    ];
    for (const setting of bad)
      expect(readerSettingsSchema.safeParse(setting).success, JSON.stringify(setting)).toBe(false);
  });
});

describe('readerFromSettings', () => {
  test('builds the reader of each kind; the page-fed ones take taps', () => {
    const simulated = readerFromSettings({ kind: 'simulated' });
    const keyboard = readerFromSettings({ kind: 'keyboard' });
    const serial = readerFromSettings({ kind: 'serial', path: '/dev/ttyUSB7', baudRate: 19200 });
    const pcsc = readerFromSettings({ kind: 'pcsc' });
    expect([simulated.kind, keyboard.kind, serial.kind, pcsc.kind]).toEqual([
      'simulated',
      'keyboard',
      'serial',
      'pcsc',
    ]);
    expect(serial.description).toContain('/dev/ttyUSB7 at 19200 baud');
    expect([simulated, keyboard, serial, pcsc].map(acceptsTaps)).toEqual([true, true, false, false]);
  });
});
