import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { loadOrCreateSecretFile, randomKeyKind, type SecretSource } from './secret-file.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const LOOKUP_KEY_INFO = 'zhucan id lookup';

/** A sealed value that cannot be opened: altered, cut, or sealed under another key. */
export class PiiVaultError extends Error {
  override readonly name = 'PiiVaultError';
}

/**
 * Keeps personal data (身份证号, names) encrypted at rest: the event store and the read models hold
 * only sealed values and lookup hashes, so a copied database or backup does not leak who the elders
 * are.
 */
export class PiiVault {
  readonly #key: Buffer;
  readonly #lookupKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new RangeError(`the PII key must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    this.#key = Buffer.from(key);
    // A key of its own, so that lookup hashes say nothing about the encryption key and the other way round.
    this.#lookupKey = Buffer.from(
      hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(LOOKUP_KEY_INFO, 'utf8'), KEY_BYTES),
    );
  }

  /** AES-256-GCM under a fresh random IV: sealing the same text twice gives different strings. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    // The version is authenticated too, so a value cannot be relabelled for another format.
    cipher.setAAD(Buffer.from(VERSION, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, ciphertext, tag]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The text a {@link seal} call sealed; throws {@link PiiVaultError} on anything else. */
  open(sealed: string): string {
    const { iv, ciphertext, tag } = splitSealed(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(VERSION, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new PiiVaultError(
        'the sealed value failed authentication: it was altered or sealed under another key',
      );
    }
  }

  /**
   * A keyed hash of a normalised 身份证号 (hex), equal for equal numbers, so that an elder can be found
   * by ID number without the number being stored in clear. Keyed, because the space of ID numbers is
   * small enough to hash every one of them.
   */
  lookupHash(normalizedIdNumber: string): string {
    return createHmac('sha256', this.#lookupKey).update(normalizedIdNumber, 'utf8').digest('hex');
  }
}

function splitSealed(sealed: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = sealed.split('.');
  const [version, iv, ciphertext, tag] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined ||
    ![iv, ciphertext, tag].every((part) => BASE64URL.test(part))
  ) {
    throw new PiiVaultError(`not a sealed value: expected ${VERSION}.<iv>.<ciphertext>.<tag> in base64url`);
  }
  const decoded = {
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  // GCM would accept a shortened tag, which is weaker: only the full length is ours.
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
    throw new PiiVaultError(`not a sealed value: the IV or the tag has the wrong length`);
  }
  return decoded;
}

/** The key of the {@link PiiVault}: `ZHUCAN_PII_KEY` when set, otherwise a key file in the data folder. */
export function loadOrCreateKey(source: SecretSource): Promise<Buffer> {
  return loadOrCreateSecretFile(randomKeyKind('ZHUCAN_PII_KEY', 'PII encryption key'), source);
}
