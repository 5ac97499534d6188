import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hashPin, pinMatches } from '../domain/identity/pin-hash.ts';
import { loadTerminalSettings } from './settings.ts';

const run = promisify(execFile);

function settingsFile(content: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhucan-settings-'));
  writeFileSync(path.join(dir, 'token'), 'zt_secret.t1\n');
  const file = path.join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const valid = {
  terminalId: 't1',
  serviceUrl: 'http://10.0.0.5:8080',
  tokenFile: 'token',
  dataDir: 'data',
  cashiers: [{ cashierId: 'c1', name: '王丽', pinHash: hashPin('1234') }],
};

describe('terminal settings', () => {
  it('keeps PINs salted and hashed: the same PIN hashes differently, and only it matches', () => {
    const first = hashPin('1234');
    expect(first).not.toBe(hashPin('1234'));
    expect(first).not.toContain('1234');
    expect(pinMatches('1234', first)).toBe(true);
    expect(pinMatches('1235', first)).toBe(false);
    expect(pinMatches('1234', 'plain-1234')).toBe(false);
  });

  it('reads a settings file with defaults, paths relative to it, and the token from its file', () => {
    const file = settingsFile(valid);
    const settings = loadTerminalSettings(file);
    expect(settings).toMatchObject({
      token: 'zt_secret.t1',
      host: '127.0.0.1',
      port: 8081,
      lang: 'zh-CN',
      reader: { kind: 'keyboard' },
      paperWidth: 80,
      dataDir: path.join(path.dirname(file), 'data'),
      printer: { kind: 'file', dir: path.join(path.dirname(file), 'receipts') },
    });
  });

  it('names the field of a settings file that is wrong', () => {
    expect(() => loadTerminalSettings(settingsFile({ ...valid, paperWidth: 76 }))).toThrow(/paperWidth/);
    expect(() => loadTerminalSettings(settingsFile({ ...valid, printr: { kind: 'usb' } }))).toThrow(/printr/);
    expect(() =>
      loadTerminalSettings(settingsFile({ ...valid, cashiers: [{ ...valid.cashiers[0], pinHash: '1234' }] })),
    ).toThrow(/cashiers\.0\.pinHash/);
    const { tokenFile: _tokenFile, ...withoutToken } = valid;
    expect(() => loadTerminalSettings(settingsFile(withoutToken))).toThrow(/token/);
  });

  it('hashes a PIN from the command line for the settings file', async () => {
    const { stdout } = await run(process.execPath, ['bin/zhucan.mjs', 'terminal', 'hash-pin', '4321']);
    expect(pinMatches('4321', stdout.trim())).toBe(true);
    await expect(
      run(process.execPath, ['bin/zhucan.mjs', 'terminal', 'hash-pin', '12'], {
        env: { ...process.env, ZHUCAN_LANG: 'zh' },
      }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('错误：PIN 码应为 4 到 12 位数字'),
    });
    await expect(
      run(process.execPath, ['bin/zhucan.mjs', 'terminal', 'hash-pin', '12'], {
        env: { ...process.env, ZHUCAN_LANG: 'en' },
      }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('zhucan: a PIN is 4 to 12 digits'),
    });
  });
});
