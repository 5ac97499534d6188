import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateKey, PiiVault, PiiVaultError } from './pii-vault.ts';

const vault = new PiiVault(randomBytes(32));

/** The sealed string with one byte of its `part` (1 IV, 2 ciphertext, 3 tag) flipped. */
function flipByte(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('PiiVault', () => {
  it.each(['11010519491231002X', '张小明', '', 'a'.repeat(10_000)])('opens what it sealed: %j', (text) => {
    expect(vault.open(vault.seal(text))).toBe(text);
  });

  it('seals in the compact v1 form with a 12-byte IV and a 16-byte tag', () => {
    const sealed = vault.seal('11010519491231002X');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const [, iv, ciphertext, tag] = sealed.split('.');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(ciphertext ?? '', 'base64url')).toHaveLength(18);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(sealed).not.toContain('11010519491231002X');
  });

  it('seals the same text differently each time', () => {
    expect(vault.seal('张小明')).not.toBe(vault.seal('张小明'));
  });

  it.each([
    ['the IV', 1],
    ['the ciphertext', 2],
    ['the tag', 3],
  ] as const)('notices one flipped byte in %s', (_name, part) => {
    const tampered = flipByte(vault.seal('11010519491231002X'), part);
    expect(() => vault.open(tampered)).toThrow(PiiVaultError);
    expect(() => vault.open(tampered)).toThrow(/altered or sealed under another key/);
  });

  it('cannot open what another key sealed', () => {
    const other = new PiiVault(randomBytes(32));
    expect(() => other.open(vault.seal('张小明'))).toThrow(/altered or sealed under another key/);
  });

  it.each([
    ['another version', (sealed: string) => sealed.replace(/^v1/, 'v2')],
    ['a missing part', (sealed: string) => sealed.split('.').slice(0, 3).join('.')],
    ['an extra part', (sealed: string) => `${sealed}.AAAA`],
    ['characters outside base64url', (sealed: string) => sealed.replace(/\.([^.]*)$/, '.+/==')],
    ['a shortened tag', (sealed: string) => sealed.slice(0, -4)],
  ])('refuses %s as not a sealed value', (_name, spoil) => {
    expect(() => vault.open(spoil(vault.seal('张小明')))).toThrow(/not a sealed value/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new PiiVault(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('gives equal lookup hashes for equal ID numbers under one key, and others under another', () => {
    const key = randomBytes(32);
    const hash = new PiiVault(key).lookupHash('11010519491231002X');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new PiiVault(Buffer.from(key)).lookupHash('11010519491231002X')).toBe(hash);
    expect(new PiiVault(key).lookupHash('110101195001010017')).not.toBe(hash);
    expect(new PiiVault(randomBytes(32)).lookupHash('11010519491231002X')).not.toBe(hash);
  });
});

describe('loadOrCreateKey', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'zhucan-pii-key-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('takes ZHUCAN_PII_KEY in hex or base64', async () => {
    const key = randomBytes(32);
    const file = path.join(folder, 'pii.key');
    for (const envValue of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(await loadOrCreateKey({ envValue, file, log: () => {} })).toEqual(key);
    }
  });

  it.each([
    ['too short', randomBytes(16).toString('hex')],
    ['too long', randomBytes(48).toString('base64')],
    ['not a key', 'correct horse battery staple'],
  ])('refuses a ZHUCAN_PII_KEY that is %s', async (_name, envValue) => {
    await expect(
      loadOrCreateKey({ envValue, file: path.join(folder, 'pii.key'), log: () => {} }),
    ).rejects.toThrow(/^ZHUCAN_PII_KEY must be 32 bytes written as base64 or as 64 hex digits/);
  });

  it('creates a 0600 key file once, reuses it, and logs where it is but never the key', async () => {
    const file = path.join(folder, 'pii.key');
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    const key = await loadOrCreateKey({ envValue: undefined, file, log });
    const stored = (await readFile(file, 'utf8')).trim();
    expect(Buffer.from(stored, 'base64')).toEqual(key);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateKey({ envValue: undefined, file, log })).toEqual(key);

    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain(file);
      expect(line).not.toContain(stored);
      expect(line).not.toContain(key.toString('hex'));
      expect(line).not.toContain(key.toString('base64url'));
    }
  });
});
