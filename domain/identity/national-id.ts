import { type BusinessDate, compareDates, isBusinessDate } from '../time/calendar.ts';

/** 身份证号: an 18-character PRC resident ID number (GB 11643), read from a form or a card reader. */
export interface NationalId {
  /** The number as stored and compared: surrounding spaces dropped, a final `x` written `X`. */
  readonly normalized: string;
  /** 出生日期 inside the number, `YYYY-MM-DD`. */
  readonly birthDate: BusinessDate;
  /** 行政区划代码: the six-digit region code where the number was first issued. */
  readonly regionCode: string;
  /** From the parity of the three-digit sequence (顺序码): odd for men, even for women. */
  readonly sex: 'male' | 'female';
}

export type NationalIdProblem = 'length' | 'characters' | 'birth-date' | 'check-digit';

export type NationalIdParse =
  | { readonly ok: true; readonly value: NationalId }
  | { readonly ok: false; readonly reason: NationalIdProblem; readonly message: string };

const LENGTH = 18;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const SHAPE = /^\d{17}[\dXx]$/;
// Nobody alive was born earlier, and a date before it is more likely a misread number.
const EARLIEST_BIRTH_DATE: BusinessDate = '1900-01-01';

/**
 * 校验码: the check character of the first 17 digits, ISO 7064 MOD 11-2.
 * Exported so that tests and demo data can build valid numbers.
 */
export function nationalIdCheckCharacter(first17Digits: string): string {
  if (!/^\d{17}$/.test(first17Digits)) {
    throw new RangeError('the check character is computed from exactly 17 digits');
  }
  let sum = 0;
  WEIGHTS.forEach((weight, index) => {
    sum += weight * Number(first17Digits[index]);
  });
  return CHECK_CHARACTERS[sum % 11] as string;
}

function failure(reason: NationalIdProblem, message: string): NationalIdParse {
  return { ok: false, reason, message };
}

/**
 * Reads a 身份证号, checking its length, characters, birth date and check character in that order,
 * so that the reason names the first thing a clerk should look at.
 */
export function parseNationalId(text: string): NationalIdParse {
  const trimmed = text.trim();
  const length = Array.from(trimmed).length;
  if (length !== LENGTH) {
    return failure('length', `an ID number has ${LENGTH} characters, this one has ${length}`);
  }
  if (!SHAPE.test(trimmed)) {
    return failure('characters', 'an ID number is 17 digits followed by a digit or X');
  }
  const normalized = trimmed.toUpperCase();
  const year = normalized.slice(6, 10);
  const month = normalized.slice(10, 12);
  const day = normalized.slice(12, 14);
  const birthDate = `${year}-${month}-${day}`;
  if (!isBusinessDate(birthDate)) {
    return failure('birth-date', `the birth date ${year}${month}${day} is not a calendar date`);
  }
  if (compareDates(birthDate, EARLIEST_BIRTH_DATE) < 0) {
    return failure('birth-date', `the birth date ${birthDate} is before ${EARLIEST_BIRTH_DATE}`);
  }
  const expected = nationalIdCheckCharacter(normalized.slice(0, 17));
  if (normalized[17] !== expected) {
    return failure(
      'check-digit',
      'the last character does not match the check digit: a character is mistyped',
    );
  }
  return {
    ok: true,
    value: {
      normalized,
      birthDate,
      regionCode: normalized.slice(0, 6),
      sex: Number(normalized[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

/**
 * Whether someone born on `birthDate` was born by `businessDate`. The domain has no clock, so a
 * birth date in the future can only be refused by a caller who knows today's date.
 */
export function isBornOnOrBefore(birthDate: BusinessDate, businessDate: BusinessDate): boolean {
  return compareDates(birthDate, businessDate) <= 0;
}

/**
 * `1101**********123X`: the region prefix and the last four characters, enough for a clerk to tell
 * two people apart, never the birth date. Anything not 18 characters long is starred entirely,
 * because then nobody knows where its birth date sits.
 */
export function maskNationalId(normalized: string): string {
  const characters = Array.from(normalized);
  if (characters.length !== LENGTH) return '*'.repeat(characters.length);
  return `${characters.slice(0, 4).join('')}${'*'.repeat(LENGTH - 8)}${characters.slice(-4).join('')}`;
}

// 复姓: kept whole when masking, as 欧阳**华, so that the masked name still reads as a name.
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '司空',
  '夏侯',
  '令狐',
  '端木',
  '申屠',
  '轩辕',
  '独孤',
  '南宫',
  '西门',
  '澹台',
  '公冶',
  '宗政',
  '濮阳',
  '淳于',
  '太叔',
  '钟离',
  '闻人',
  '赫连',
  '呼延',
  '百里',
  '东郭',
  '万俟',
]);

/**
 * Masks a name as canteen receipts and screens print it (姓名脱敏), because both are seen by
 * people standing nearby: the surname stays, the given name is starred one star per character
 * except its last character when it has two or more: 张*, 张*明, 欧阳**华, 阿**丽. Names in Latin
 * letters follow the same rule (first letter, stars, last letter); a one-character name becomes 张*.
 */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.length === 0) return '';
  const leading = characters.slice(0, 2).join('');
  const surnameLength = characters.length >= 3 && COMPOUND_SURNAMES.has(leading) ? 2 : 1;
  const surname = characters.slice(0, surnameLength).join('');
  const given = characters.slice(surnameLength);
  const last = given.at(-1);
  if (given.length <= 1 || last === undefined) return `${surname}*`;
  return `${surname}${'*'.repeat(given.length - 1)}${last}`;
}
