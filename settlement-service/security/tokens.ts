import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadOrCreateSecretFile, randomKeyKind, type SecretKind, type SecretSource } from './secret-file.ts';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const TERMINAL_TOKEN_PREFIX = 'zt_';
const ADMIN_TOKEN_PREFIX = 'za_';
export const USER_TOKEN_PREFIX = 'zu_';
const MIN_SECRET_BYTES = 32;
// Bearer tokens travel in a header: no spaces, no control characters.
const BEARER_TOKEN = /^[\x21-\x7e]+$/;

/** SHA-256 (hex) of a bearer token, the form in which terminal tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares two hex digests without leaking through timing where they first differ. Empty or
 * malformed hex never matches, so a missing stored hash cannot be matched by an empty one.
 */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (!HEX.test(a) || !HEX.test(b) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/**
 * The bearer token of a registered terminal (终端): an HMAC of the terminal, its canteen and a
 * generation number under the service's secret. Registering the same terminal again gives the
 * same token, so a retried registration is answered as the first one without the token ever being
 * stored in clear; raising the generation revokes the old token.
 */
export function deriveTerminalToken(
  secret: Buffer,
  terminalId: string,
  canteenId: string,
  generation: number,
): string {
  checkSecretAndGeneration(secret, generation);
  return `${TERMINAL_TOKEN_PREFIX}${macOf(secret, ['zhucan terminal token v1', terminalId, canteenId, String(generation)])}`;
}

/** A bureau user's token (用户令牌), derived like a terminal's from the user, role, canteen and generation. */
export function deriveUserToken(
  secret: Buffer,
  userId: string,
  role: string,
  canteenId: string | null,
  generation: number,
): string {
  checkSecretAndGeneration(secret, generation);
  return `${USER_TOKEN_PREFIX}${macOf(secret, ['zhucan user token v1', userId, role, canteenId ?? '', String(generation)])}`;
}

function checkSecretAndGeneration(secret: Buffer, generation: number): void {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`the token secret must have at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(generation) || generation < 0) {
    throw new RangeError(`a token generation is a whole number ≥ 0, got ${generation}`);
  }
}

function macOf(secret: Buffer, fields: readonly string[]): string {
  return createHmac('sha256', secret).update(lengthPrefixed(fields)).digest('base64url');
}

/** Each field preceded by its byte length, so that ('ab', 'c') and ('a', 'bc') never collide. */
function lengthPrefixed(fields: readonly string[]): Buffer {
  return Buffer.concat(
    fields.flatMap((field) => {
      const bytes = Buffer.from(field, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
}

const ADMIN_TOKEN: SecretKind<string> = {
  envName: 'ZHUCAN_ADMIN_TOKEN',
  description: 'admin token',
  expected: 'a token of printable ASCII characters without spaces',
  parse: (text) => (BEARER_TOKEN.test(text) ? text : undefined),
  generate: () => `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`,
};

/**
 * The bureau admin token (管理员令牌): `ZHUCAN_ADMIN_TOKEN` when set, otherwise a token made on first
 * start and kept in `file`; the log says where the file is so that an operator can read it there.
 */
export function loadOrCreateAdminToken(source: SecretSource): Promise<string> {
  return loadOrCreateSecretFile(ADMIN_TOKEN, source);
}

/** The secret that terminal tokens are derived from: `ZHUCAN_TOKEN_SECRET` when set, otherwise a file. */
export function loadOrCreateSecret(source: SecretSource): Promise<Buffer> {
  return loadOrCreateSecretFile(randomKeyKind('ZHUCAN_TOKEN_SECRET', 'terminal-token secret'), source);
}
