import { maskNationalId } from './national-id.ts';

/**
 * An ID number standing in a text: 17 digits and a check character (the 18-character form), or the
 * 15 digits of a first-generation card. Not part of a longer run of digits.
 */
const ID_NUMBERS = /(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])/g;
/** The service's tokens: admin `za_…`, terminal `zt_….{terminalId}`, user `zu_….{userId}`. */
const TOKENS = /\b(z[atu]_)[A-Za-z0-9_-]{8,}/g;
/** Whatever follows an authorization scheme. */
const CREDENTIALS = /\b(Bearer|Basic)(\s+)[^\s"',;]+/gi;
/** A PIN named as such: `"pin":"2468"`, `managerPin=9753`, `PIN 1234`. */
const PINS = /\b((?:manager)?pin"?\s*[:=]?\s*"?)\d{3,12}\b/gi;

/**
 * A line fit for a log: ID numbers masked as a clerk sees them (`1101**********123X`), tokens,
 * credentials and PINs replaced, and each of `knownSecrets` (keys, the admin token however it was
 * chosen) removed. Logs are read by operators and end up in log stores and tickets, so whatever an
 * error message quotes from a request must not carry a person's or a caller's secret with it.
 */
export function redactSecrets(line: string, knownSecrets: readonly string[] = []): string {
  let redacted = line;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) redacted = redacted.replaceAll(secret, '[redacted]');
  }
  return redacted
    .replace(TOKENS, '$1[redacted]')
    .replace(CREDENTIALS, '$1$2[redacted]')
    .replace(PINS, '$1[redacted]')
    .replace(ID_NUMBERS, (found) => maskNationalId(found.toUpperCase()));
}
