import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  constantTimeEqualHex,
  deriveTerminalToken,
  hashToken,
  loadOrCreateAdminToken,
  loadOrCreateSecret,
} from './tokens.ts';

describe('hashToken and constantTimeEqualHex', () => {
  it('hashes a token to SHA-256 hex', () => {
    // SHA-256 of "abc", FIPS 180-2 appendix B.1.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches equal digests in either case and nothing else', () => {
    const stored = hashToken('zt_one');
    expect(constantTimeEqualHex(stored, hashToken('zt_one'))).toBe(true);
    expect(constantTimeEqualHex(stored, stored.toUpperCase())).toBe(true);
    expect(constantTimeEqualHex(stored, hashToken('zt_two'))).toBe(false);
    expect(constantTimeEqualHex(stored, stored.slice(0, 62))).toBe(false);
  });

  it('never matches empty or malformed hex', () => {
    expect(constantTimeEqualHex('', '')).toBe(false);
    expect(constantTimeEqualHex('zz', 'zz')).toBe(false);
    expect(constantTimeEqualHex('abc', 'abc')).toBe(false);
  });
});

describe('deriveTerminalToken', () => {
  const secret = randomBytes(32);
  const token = deriveTerminalToken(secret, 'T-01', 'canteen-7', 0);

  it('is a zt_ token of 32 bytes in base64url', () => {
    expect(token).toMatch(/^zt_[A-Za-z0-9_-]{43}$/);
  });

  it('is the same for the same registration', () => {
    expect(deriveTerminalToken(Buffer.from(secret), 'T-01', 'canteen-7', 0)).toBe(token);
  });

  it.each([
    ['another secret', () => deriveTerminalToken(randomBytes(32), 'T-01', 'canteen-7', 0)],
    ['another terminal', () => deriveTerminalToken(secret, 'T-02', 'canteen-7', 0)],
    ['another canteen', () => deriveTerminalToken(secret, 'T-01', 'canteen-8', 0)],
    ['another generation', () => deriveTerminalToken(secret, 'T-01', 'canteen-7', 1)],
    [
      'the boundary moved between terminal and canteen',
      () => deriveTerminalToken(secret, 'T-01c', 'anteen-7', 0),
    ],
  ])('changes with %s', (_name, derive) => {
    expect(derive()).not.toBe(token);
  });

  it('refuses a short secret and a generation that is not a whole number ≥ 0', () => {
    expect(() => deriveTerminalToken(randomBytes(16), 'T-01', 'canteen-7', 0)).toThrow(/32 bytes/);
    expect(() => deriveTerminalToken(secret, 'T-01', 'canteen-7', -1)).toThrow(/generation/);
    expect(() => deriveTerminalToken(secret, 'T-01', 'canteen-7', 1.5)).toThrow(/generation/);
  });
});

describe('admin token and terminal-token secret on disk', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'zhucan-tokens-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  function capturedLog(): { lines: string[]; log: (line: string) => void } {
    const lines: string[] = [];
    return { lines, log: (line) => lines.push(line) };
  }

  it('makes an admin token on first start, keeps it in a 0600 file and reuses it', async () => {
    const file = path.join(folder, 'admin-token');
    const { lines, log } = capturedLog();
    const token = await loadOrCreateAdminToken({ envValue: undefined, file, log });
    expect(token).toMatch(/^za_[A-Za-z0-9_-]{43}$/);
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAdminToken({ envValue: undefined, file, log })).toBe(token);

    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain(file);
      expect(line).not.toContain(token);
      expect(line).not.toContain(token.slice(3));
    }
  });

  it('takes the admin token from ZHUCAN_ADMIN_TOKEN without touching the file', async () => {
    const file = path.join(folder, 'admin-token');
    const { lines, log } = capturedLog();
    expect(await loadOrCreateAdminToken({ envValue: 'bureau-admin-secret', file, log })).toBe(
      'bureau-admin-secret',
    );
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(lines.join('\n')).not.toContain('bureau-admin-secret');
  });

  it('refuses a ZHUCAN_ADMIN_TOKEN that cannot travel in a header', async () => {
    await expect(
      loadOrCreateAdminToken({
        envValue: 'two words',
        file: path.join(folder, 'admin-token'),
        log: () => {},
      }),
    ).rejects.toThrow(/^ZHUCAN_ADMIN_TOKEN must be/);
  });

  it('keeps the terminal-token secret in a 0600 file, reused on the second call', async () => {
    const file = path.join(folder, 'token-secret');
    const { lines, log } = capturedLog();
    const secret = await loadOrCreateSecret({ envValue: undefined, file, log });
    expect(secret).toHaveLength(32);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSecret({ envValue: undefined, file, log })).toEqual(secret);
    const stored = (await readFile(file, 'utf8')).trim();
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain(file);
      expect(line).not.toContain(stored);
      expect(line).not.toContain(secret.toString('hex'));
    }
  });

  it('takes ZHUCAN_TOKEN_SECRET in hex and refuses anything but 32 bytes', async () => {
    const file = path.join(folder, 'token-secret');
    const secret = randomBytes(32);
    expect(await loadOrCreateSecret({ envValue: secret.toString('hex'), file, log: () => {} })).toEqual(
      secret,
    );
    await expect(loadOrCreateSecret({ envValue: 'short', file, log: () => {} })).rejects.toThrow(
      /^ZHUCAN_TOKEN_SECRET must be 32 bytes/,
    );
  });
});
