import { isBornOnOrBefore, maskNationalId, parseNationalId } from '../identity/national-id.ts';
import type { CategoryHolding } from '../policy/meal-facts.ts';
import type { ProblemCode } from '../problems/problem-catalogue.ts';
import { type BusinessDate, isBusinessDate } from '../time/calendar.ts';

/**
 * 花名册导入: a district's roster as a clerk keeps it in a spreadsheet, one elder a row. The columns,
 * named by the header row (in any order; other columns are ignored):
 */
export const ROSTER_COLUMNS = [
  '姓名',
  '身份证号',
  '区',
  '街镇',
  '签约食堂',
  '类别',
  '起始日期',
  '截止日期',
  '卡号',
] as const;

export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** One data row as read from the sheet: each cell as text, trimmed, '' when empty; dates as the sheet gave them. */
export interface RosterRow {
  /** The row's number in the sheet (the header is row 1). */
  readonly row: number;
  readonly cells: Readonly<Record<RosterColumn, string>>;
}

/** Why a row is refused, for the clerk (zh) and for the log (en). */
export interface RosterReason {
  /** One of {@link RosterReasonCode}, or a problem code a registration refused the row with. */
  readonly code: RosterReasonCode | ProblemCode;
  readonly zh: string;
  readonly en: string;
}

export type RosterReasonCode =
  | 'field-missing'
  | 'field-too-long'
  | 'id-number-invalid'
  | 'id-number-check-digit'
  | 'id-number-duplicate'
  | 'date-invalid'
  | 'date-order'
  | 'category-unknown'
  | 'card-invalid'
  | 'card-duplicate'
  | 'card-taken'
  | 'canteen-unknown';

/** A row that passed every check the file alone allows: what to register. */
export interface RosterEntry {
  readonly row: number;
  readonly name: string;
  /** Normalised (a final x written X). */
  readonly idNumber: string;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly categories: readonly CategoryHolding[];
  readonly cardUid: string | null;
}

export interface CheckedRosterRow {
  readonly row: number;
  readonly idNumberMasked: string;
  /** Null when the row is refused. */
  readonly entry: RosterEntry | null;
  readonly reasons: readonly RosterReason[];
}

/**
 * 类别 as clerks write them, to the codes the policies use (docs/policy-language.en.md). The codes
 * themselves are accepted too.
 */
const CATEGORY_NAMES: ReadonlyMap<string, string> = new Map([
  ['低保', 'dibao'],
  ['低保对象', 'dibao'],
  ['特困', 'tekun'],
  ['特困人员', 'tekun'],
  ['特困供养', 'tekun'],
  ['低收入', 'low-income'],
  ['低收入家庭', 'low-income'],
  ['残疾', 'disability'],
  ['残疾人', 'disability'],
  ['失能', 'disabled'],
  ['半失能', 'semi-disabled'],
  ['优抚', 'veteran'],
  ['优抚对象', 'veteran'],
  ['计生特扶', 'family-planning'],
  ['计划生育特殊家庭', 'family-planning'],
  ['独居', 'living-alone'],
]);
const CATEGORY_CODES: ReadonlySet<string> = new Set(CATEGORY_NAMES.values());

/** The codes of a 类别 cell (`低保,残疾`, `低保、残疾` …), or the names it cannot read. */
export function categoryCodesOf(cell: string): {
  readonly codes: readonly string[];
  readonly unknown: readonly string[];
} {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const name of cell.split(/[,，、;；/\s]+/).filter((part) => part !== '')) {
    const code = CATEGORY_NAMES.get(name) ?? (CATEGORY_CODES.has(name) ? name : undefined);
    if (code === undefined) unknown.push(name);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, unknown };
}

/** `2026-01-01`, `2026/1/1`, `2026.1.1`, `20260101` or `2026年1月1日` as a date; null otherwise. */
export function rosterDateOf(text: string): BusinessDate | null {
  const match =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const date = `${match[1]}-${match[2]?.padStart(2, '0')}-${match[3]?.padStart(2, '0')}`;
  return isBusinessDate(date) ? date : null;
}

const CARD_UID = /^[A-Za-z0-9:-]{1,64}$/;
const CANTEEN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const REQUIRED: readonly RosterColumn[] = ['姓名', '身份证号', '区', '街镇'];
const MAX_LENGTH: Partial<Record<RosterColumn, number>> = { 姓名: 50, 区: 50, 街镇: 50 };

const reason = (code: RosterReasonCode, zh: string, en: string): RosterReason => ({ code, zh, en });

/**
 * Checks every row on its own and against the other rows of the file: what a row needs, its ID
 * number (length, characters, birth date, check digit, not born after `today`), its dates and
 * categories, and that no ID number or card appears on two rows (both rows are refused: the file
 * does not say which is right). Checks against what is registered (canteens, cards) are the
 * caller's.
 */
export function checkRoster(rows: readonly RosterRow[], today: BusinessDate): CheckedRosterRow[] {
  const checked = rows.map((row) => checkRow(row, today));
  const rowsBy = (key: (entry: RosterEntry) => string | null) => {
    const found = new Map<string, number[]>();
    for (const { entry } of checked) {
      const value = entry && key(entry);
      if (entry && value) found.set(value, [...(found.get(value) ?? []), entry.row]);
    }
    return found;
  };
  const byIdNumber = rowsBy((entry) => entry.idNumber);
  const byCard = rowsBy((entry) => entry.cardUid);
  return checked.map((result) => {
    const { entry } = result;
    if (!entry) return result;
    const reasons: RosterReason[] = [];
    const others = (rowsOf: readonly number[] | undefined) =>
      (rowsOf ?? []).filter((row) => row !== entry.row);
    const sameId = others(byIdNumber.get(entry.idNumber));
    if (sameId.length > 0)
      reasons.push(
        reason(
          'id-number-duplicate',
          `身份证号与第 ${sameId.join('、')} 行重复`,
          `the ID number is also on row ${sameId.join(', ')}`,
        ),
      );
    const sameCard = entry.cardUid === null ? [] : others(byCard.get(entry.cardUid));
    if (sameCard.length > 0)
      reasons.push(
        reason(
          'card-duplicate',
          `卡号与第 ${sameCard.join('、')} 行重复`,
          `the card is also on row ${sameCard.join(', ')}`,
        ),
      );
    return reasons.length === 0 ? result : { ...result, entry: null, reasons };
  });
}

function checkRow({ row, cells }: RosterRow, today: BusinessDate): CheckedRosterRow {
  const reasons: RosterReason[] = [];
  for (const column of REQUIRED) {
    if (cells[column] === '')
      reasons.push(reason('field-missing', `缺少${column}`, `${column} is empty (a required field)`));
  }
  for (const [column, max] of Object.entries(MAX_LENGTH) as [RosterColumn, number][]) {
    if (Array.from(cells[column]).length > max)
      reasons.push(
        reason('field-too-long', `${column}超过 ${max} 个字`, `${column} is longer than ${max} characters`),
      );
  }
  const idText = cells.身份证号;
  let idNumber: string | null = null;
  let birthDate: BusinessDate | null = null;
  if (idText !== '') {
    const parsed = parseNationalId(idText);
    if (!parsed.ok && parsed.reason === 'check-digit')
      reasons.push(reason('id-number-check-digit', '身份证号校验位错误', `ID number: ${parsed.message}`));
    else if (!parsed.ok)
      reasons.push(reason('id-number-invalid', '身份证号格式有误', `ID number: ${parsed.message}`));
    else if (!isBornOnOrBefore(parsed.value.birthDate, today))
      reasons.push(
        reason(
          'id-number-invalid',
          '身份证号中的出生日期晚于今天',
          'ID number: the birth date lies in the future',
        ),
      );
    else {
      idNumber = parsed.value.normalized;
      birthDate = parsed.value.birthDate;
    }
  }
  const dates: Partial<Record<'起始日期' | '截止日期', BusinessDate>> = {};
  for (const column of ['起始日期', '截止日期'] as const) {
    if (cells[column] === '') continue;
    const date = rosterDateOf(cells[column]);
    if (date === null)
      reasons.push(
        reason(
          'date-invalid',
          `${column}“${cells[column]}”不是有效日期（应为 2026-01-01 这样的日期）`,
          `${column} "${cells[column]}" is not a date (expected e.g. 2026-01-01)`,
        ),
      );
    else dates[column] = date;
  }
  const { codes, unknown } = categoryCodesOf(cells.类别);
  if (unknown.length > 0)
    reasons.push(
      reason(
        'category-unknown',
        `无法识别的类别：${unknown.join('、')}`,
        `unknown category: ${unknown.join(', ')}`,
      ),
    );
  const from = dates.起始日期;
  const to = dates.截止日期 ?? null;
  if (codes.length > 0 && cells.起始日期 === '')
    reasons.push(
      reason('field-missing', '填写了类别但缺少起始日期', '起始日期 is empty while 类别 is given'),
    );
  if (from !== undefined && to !== null && to <= from)
    reasons.push(reason('date-order', '截止日期须晚于起始日期', '截止日期 must be after 起始日期'));
  const cardUid = cells.卡号 === '' ? null : cells.卡号;
  if (cardUid !== null && !CARD_UID.test(cardUid))
    reasons.push(
      reason(
        'card-invalid',
        '卡号只能含字母、数字、: 和 -',
        'the card number may hold letters, digits, : and - only',
      ),
    );
  const homeCanteenId = cells.签约食堂 === '' ? null : cells.签约食堂;
  if (homeCanteenId !== null && !CANTEEN_ID.test(homeCanteenId))
    reasons.push(
      reason(
        'canteen-unknown',
        `签约食堂 ${homeCanteenId} 未登记`,
        `canteen ${homeCanteenId} is not registered`,
      ),
    );
  const idNumberMasked = maskNationalId(idText.toUpperCase());
  if (reasons.length > 0 || idNumber === null || birthDate === null)
    return { row, idNumberMasked, entry: null, reasons };
  return {
    row,
    idNumberMasked,
    entry: {
      row,
      name: cells.姓名,
      idNumber,
      district: cells.区,
      town: cells.街镇,
      homeCanteenId,
      categories: from === undefined ? [] : codes.map((category) => ({ category, from, to })),
      cardUid,
    },
    reasons: [],
  };
}

/** 签约食堂 not registered: the caller checks it against the register. */
export function canteenUnknownReason(canteenId: string): RosterReason {
  return reason('canteen-unknown', `签约食堂 ${canteenId} 未登记`, `canteen ${canteenId} is not registered`);
}

/** The card is held by another elder now. */
export function cardTakenReason(cardUid: string): RosterReason {
  return reason('card-taken', `卡号 ${cardUid} 已绑定其他老人`, `card ${cardUid} is bound to another elder`);
}
