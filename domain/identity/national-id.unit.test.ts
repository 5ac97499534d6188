import { describe, expect, it } from 'vitest';
import {
  isBornOnOrBefore,
  maskName,
  maskNationalId,
  nationalIdCheckCharacter,
  parseNationalId,
} from './national-id.ts';

/** Builds a valid number with its own MOD 11-2 arithmetic, independent of the code under test. */
function withCheckCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(first17.charAt(index)), 0);
  return first17 + '10X98765432'.charAt(sum % 11);
}

function idNumber(regionCode: string, birth: string, sequence: string): string {
  return withCheckCharacter(`${regionCode}${birth}${sequence}`);
}

/** Any other check character than the right one. */
function withWrongCheckCharacter(valid: string): string {
  return valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
}

describe('parseNationalId', () => {
  // Check characters worked out by hand from the weights, not by the helper above.
  it.each([
    ['11010519491231002X', '1949-12-31', '110105', 'female'],
    ['110101195001010017', '1950-01-01', '110101', 'male'],
    ['310104194802290022', '1948-02-29', '310104', 'female'],
  ] as const)('reads %s', (text, birthDate, regionCode, sex) => {
    expect(parseNationalId(text)).toEqual({
      ok: true,
      value: { normalized: text, birthDate, regionCode, sex },
    });
  });

  it('accepts a lower-case x and writes it as X', () => {
    const parsed = parseNationalId('11010519491231002x');
    expect(parsed.ok && parsed.value.normalized).toBe('11010519491231002X');
  });

  it('drops spaces around the number', () => {
    const parsed = parseNationalId('  110101195001010017\n');
    expect(parsed.ok && parsed.value.normalized).toBe('110101195001010017');
  });

  it('takes the sex from the parity of the sequence', () => {
    const odd = parseNationalId(idNumber('440305', '19580607', '123'));
    const even = parseNationalId(idNumber('440305', '19580607', '124'));
    expect(odd.ok && odd.value.sex).toBe('male');
    expect(even.ok && even.value.sex).toBe('female');
  });

  it('agrees with the independent check-character helper on many numbers', () => {
    for (let sequence = 0; sequence < 200; sequence += 1) {
      const text = idNumber('510107', '19400315', String(sequence).padStart(3, '0'));
      expect(parseNationalId(text).ok, text).toBe(true);
      expect(nationalIdCheckCharacter(text.slice(0, 17))).toBe(text.charAt(17));
    }
  });

  it.each([
    ['', 0],
    ['1101051949123100', 16],
    ['11010519491231002X0', 19],
  ])('refuses %j for its length', (text, length) => {
    const parsed = parseNationalId(text);
    expect(parsed).toMatchObject({ ok: false, reason: 'length' });
    expect(!parsed.ok && parsed.message).toContain(String(length));
  });

  it.each([
    '1101051949123100XX',
    '11010519491231002Y',
    '110105-94912310027',
    '11010519491231002１',
    '1101 5194912310027',
  ])('refuses %j for its characters', (text) => {
    expect(parseNationalId(text)).toMatchObject({ ok: false, reason: 'characters' });
  });

  it.each([
    ['19490229', 'not a leap year'],
    ['19000229', 'century, not a leap year'],
    ['19491301', 'month 13'],
    ['19490000', 'month and day zero'],
    ['19490431', '31 April'],
    ['18991231', 'before 1900'],
  ])('refuses the birth date %s (%s)', (birth) => {
    expect(parseNationalId(idNumber('110105', birth, '002'))).toMatchObject({
      ok: false,
      reason: 'birth-date',
    });
  });

  it('refuses the GB 11643 sample born in 1880 although its check character is right', () => {
    expect(nationalIdCheckCharacter('44052418800101001')).toBe('4');
    expect(parseNationalId('440524188001010014')).toMatchObject({ ok: false, reason: 'birth-date' });
  });

  it.each([
    ['19480229', '1948-02-29'],
    ['20000229', '2000-02-29'],
    ['19000101', '1900-01-01'],
  ])('accepts the birth date %s', (birth, birthDate) => {
    const parsed = parseNationalId(idNumber('110105', birth, '002'));
    expect(parsed.ok && parsed.value.birthDate).toBe(birthDate);
  });

  it('refuses a wrong check character', () => {
    for (const valid of ['11010519491231002X', '110101195001010017', idNumber('650102', '19620808', '315')]) {
      const parsed = parseNationalId(withWrongCheckCharacter(valid));
      expect(parsed).toMatchObject({ ok: false, reason: 'check-digit' });
      expect(!parsed.ok && parsed.message).toMatch(/check digit/);
    }
  });

  it('refuses two swapped digits through the check character', () => {
    expect(parseNationalId('11010519491231020X')).toMatchObject({ ok: false, reason: 'check-digit' });
  });
});

describe('isBornOnOrBefore', () => {
  it('compares a birth date with a business date, the day itself included', () => {
    expect(isBornOnOrBefore('1949-12-31', '2026-10-08')).toBe(true);
    expect(isBornOnOrBefore('2026-10-08', '2026-10-08')).toBe(true);
    expect(isBornOnOrBefore('2026-10-09', '2026-10-08')).toBe(false);
  });
});

describe('maskNationalId', () => {
  it('keeps the first four and the last four characters', () => {
    expect(maskNationalId('11010519491231123X')).toBe('1101**********123X');
    expect(maskNationalId('11010519491231002X')).toBe('1101**********002X');
  });

  it('never shows the birth date', () => {
    const masked = maskNationalId('110101195001010017');
    expect(masked).toHaveLength(18);
    expect(masked).not.toContain('1950');
    expect(masked).not.toContain('0101');
  });

  it('stars everything that is not 18 characters long', () => {
    expect(maskNationalId('110101500101001')).toBe('***************');
  });
});

describe('maskName', () => {
  it.each([
    ['张明', '张*'],
    ['张小明', '张*明'],
    ['欧阳小明华', '欧阳**华'],
    ['欧阳明华', '欧阳*华'],
    ['欧阳华', '欧阳*'],
    ['欧阳', '欧*'],
    ['阿依古丽', '阿**丽'],
    ['张', '张*'],
    ['John', 'J**n'],
    ['Li', 'L*'],
    ['Smith', 'S***h'],
    ['A', 'A*'],
    ['  王芳 ', '王*'],
    ['', ''],
  ])('masks %j as %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
