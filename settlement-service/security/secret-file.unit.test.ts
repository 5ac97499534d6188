import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecretFile, parseKeyBytes, randomKeyKind } from './secret-file.ts';

const KEY = randomKeyKind('ZHUCAN_TEST_KEY', 'test key');

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'zhucan-secret-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function capturedLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('parseKeyBytes', () => {
  const key = randomBytes(32);

  it('reads 32 bytes as hex, base64 and base64url, padded or not', () => {
    expect(parseKeyBytes(key.toString('hex'))).toEqual(key);
    expect(parseKeyBytes(key.toString('hex').toUpperCase())).toEqual(key);
    expect(parseKeyBytes(key.toString('base64'))).toEqual(key);
    expect(parseKeyBytes(key.toString('base64').replace(/=$/, ''))).toEqual(key);
    expect(parseKeyBytes(key.toString('base64url'))).toEqual(key);
  });

  it('refuses other lengths and other text', () => {
    expect(parseKeyBytes(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(parseKeyBytes(randomBytes(31).toString('base64'))).toBeUndefined();
    expect(parseKeyBytes(randomBytes(33).toString('base64'))).toBeUndefined();
    expect(parseKeyBytes('not a key at all')).toBeUndefined();
    expect(parseKeyBytes('')).toBeUndefined();
  });
});

describe('loadOrCreateSecretFile', () => {
  it('creates the file with mode 0600 on first use and reads it back afterwards', async () => {
    const file = path.join(folder, 'nested', 'test.key');
    const first = capturedLog();
    const created = await loadOrCreateSecretFile(KEY, { envValue: undefined, file, log: first.log });
    expect(created).toHaveLength(32);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = capturedLog();
    const reused = await loadOrCreateSecretFile(KEY, { envValue: undefined, file, log: second.log });
    expect(reused).toEqual(created);
    expect(first.lines).toEqual([expect.stringContaining(`created ${file}`)]);
    expect(second.lines).toEqual([expect.stringContaining(`read from ${file}`)]);
    expect(await readdir(path.dirname(file))).toEqual(['test.key']);
  });

  it('gives processes starting together the same secret', async () => {
    const file = path.join(folder, 'test.key');
    const secrets = await Promise.all(
      Array.from({ length: 8 }, () =>
        loadOrCreateSecretFile(KEY, { envValue: undefined, file, log: () => {} }),
      ),
    );
    for (const secret of secrets)
      expect(secret).toEqual(parseKeyBytes((await readFile(file, 'utf8')).trim()));
    expect(await readdir(folder)).toEqual(['test.key']);
  });

  it('prefers the environment and then neither reads nor writes the file', async () => {
    const file = path.join(folder, 'test.key');
    const key = randomBytes(32);
    const { lines, log } = capturedLog();
    expect(await loadOrCreateSecretFile(KEY, { envValue: key.toString('hex'), file, log })).toEqual(key);
    expect(await readdir(folder)).toEqual([]);
    expect(lines).toEqual(['test key: from ZHUCAN_TEST_KEY']);
  });

  it('treats an empty environment value as unset', async () => {
    const file = path.join(folder, 'test.key');
    await loadOrCreateSecretFile(KEY, { envValue: '  ', file, log: () => {} });
    expect(await readdir(folder)).toEqual(['test.key']);
  });

  it('names the variable, and not the value, when the environment value is wrong', async () => {
    const file = path.join(folder, 'test.key');
    const error: unknown = await loadOrCreateSecretFile(KEY, {
      envValue: 'hunter2-secret',
      file,
      log: () => {},
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^ZHUCAN_TEST_KEY must be 32 bytes/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a file that does not hold a secret instead of replacing it', async () => {
    const file = path.join(folder, 'test.key');
    await writeFile(file, 'damaged\n');
    await expect(loadOrCreateSecretFile(KEY, { envValue: undefined, file, log: () => {} })).rejects.toThrow(
      `${file} does not hold a test key`,
    );
    expect(await readFile(file, 'utf8')).toBe('damaged\n');
  });
});
