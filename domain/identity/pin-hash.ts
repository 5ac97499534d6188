import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const PIN_HASH = /^scrypt:([0-9a-f]{32}):([0-9a-f]{64})$/;

/** A cashier's PIN as kept in the settings file: never in clear. */
export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt:${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export function pinMatches(pin: string, pinHash: string): boolean {
  const match = PIN_HASH.exec(pinHash);
  if (!match?.[1] || !match[2]) return false;
  const expected = Buffer.from(match[2], 'hex');
  return timingSafeEqual(scryptSync(pin, Buffer.from(match[1], 'hex'), 32), expected);
}
