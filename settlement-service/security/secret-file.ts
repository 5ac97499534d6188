import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export type Log = (line: string) => void;

/** Where a secret may come from: the environment first, otherwise a file in the data folder. */
export interface SecretSource {
  readonly envValue: string | undefined;
  readonly file: string;
  readonly log: Log;
}

/** What one kind of secret looks like, written as text in the environment or in its file. */
export interface SecretKind<T> {
  /** The environment variable that overrides the file, named in error messages. */
  readonly envName: string;
  /** Said in log lines and errors, e.g. `PII encryption key`. */
  readonly description: string;
  /** What a valid value looks like, said in error messages. */
  readonly expected: string;
  /** The secret, or `undefined` when the text is not one. */
  parse(text: string): T | undefined;
  /** The text of a new secret, for the file made on first use. */
  generate(): string;
}

const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** 32 bytes written as 64 hex digits or as base64 (standard or URL-safe), or `undefined`. */
export function parseKeyBytes(text: string): Buffer | undefined {
  // Hex first: 64 hex digits are also valid base64, of 48 bytes.
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (!BASE64_KEY.test(text)) return undefined;
  const bytes = Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

/** A random 32-byte key such as the PII key or the terminal-token secret. */
export function randomKeyKind(envName: string, description: string): SecretKind<Buffer> {
  return {
    envName,
    description,
    expected: `${KEY_BYTES} bytes written as base64 or as 64 hex digits`,
    parse: parseKeyBytes,
    generate: () => randomBytes(KEY_BYTES).toString('base64'),
  };
}

/**
 * The secret from the environment when the variable is set, otherwise from `file`, which is made
 * on first use readable by its owner only. Logs one line saying where the secret comes from, never
 * the secret itself.
 */
export async function loadOrCreateSecretFile<T>(kind: SecretKind<T>, source: SecretSource): Promise<T> {
  const fromEnvironment = source.envValue?.trim();
  if (fromEnvironment) {
    const secret = kind.parse(fromEnvironment);
    if (secret === undefined) {
      throw new Error(
        `${kind.envName} must be ${kind.expected}; the value set has ${fromEnvironment.length} characters`,
      );
    }
    source.log(`${kind.description}: from ${kind.envName}`);
    return secret;
  }
  const created = await createSecretFileIfMissing(kind, source.file);
  const secret = kind.parse((await readFile(source.file, 'utf8')).trim());
  if (secret === undefined) {
    throw new Error(
      `${source.file} does not hold a ${kind.description} (${kind.expected}); set ${kind.envName} or restore the file`,
    );
  }
  source.log(
    created
      ? `${kind.description}: created ${source.file} (readable by its owner only); keep a backup of it`
      : `${kind.description}: read from ${source.file}`,
  );
  return secret;
}

/**
 * Writes a fresh secret to a temporary file, flushes it, then links it into place. The link fails
 * when the file exists, so two processes starting together both end up with the first one's
 * secret, and a crash never leaves an empty or half-written secret file behind.
 */
async function createSecretFileIfMissing<T>(kind: SecretKind<T>, file: string): Promise<boolean> {
  if (await exists(file)) return false;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${kind.generate()}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function errorCode(error: unknown): unknown {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}
