import { nationalIdCheckCharacter } from '../domain/identity/national-id.ts';

/** A valid 18-character ID number for a birth date (check digit computed), for made-up elders. */
export function idNumber(birth: string, sequence = '123', region = '120101'): string {
  const first17 = `${region}${birth.replaceAll('-', '')}${sequence}`;
  return `${first17}${nationalIdCheckCharacter(first17)}`;
}
