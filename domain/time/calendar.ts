/**
 * Calendar arithmetic on business dates, done with whole days since 1970-01-01 so that no time zone,
 * clock or `Date` parsing can slip in.
 */

/** 营业日: a business date `YYYY-MM-DD` in Asia/Shanghai. */
export type BusinessDate = string;

/** 月份: a calendar month `YYYY-MM`, the unit of monthly caps and settlement. */
export type MonthKey = string;

/** ISO week `YYYY-Www` (Monday to Sunday), the unit of weekly caps. */
export type IsoWeekKey = string;

interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of {@link daysFromCivil}. */
export function civilFromDays(days: number): CivilDate {
  const shifted = days + 719_468;
  const era = floorDiv(shifted, 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = floorDiv(
    dayOfEra - floorDiv(dayOfEra, 1460) + floorDiv(dayOfEra, 36_524) - floorDiv(dayOfEra, 146_096),
    365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100));
  const monthIndex = floorDiv(5 * dayOfYear + 2, 153);
  const day = dayOfYear - floorDiv(153 * monthIndex + 2, 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatCivil({ year, month, day }: CivilDate): BusinessDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function parseCivil(date: BusinessDate): CivilDate {
  const match = DATE_PATTERN.exec(date);
  if (!match || !isBusinessDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** True for a real calendar date written `YYYY-MM-DD` (so `2023-02-29` is refused). */
export function isBusinessDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a month written `YYYY-MM`. */
export function isMonthKey(text: string): boolean {
  const match = MONTH_PATTERN.exec(text);
  if (!match) return false;
  const month = Number(match[2]);
  return Number(match[1]) >= 1 && month >= 1 && month <= 12;
}

/**
 * Day numbers of the dates met lately: deciding a meal compares and shifts a few dates (policy in
 * force, categories, caps' weeks), always the same few thousand, and parsing each every time cost
 * more than the decision.
 */
const dayNumbers = new Map<BusinessDate, number>();

export function dayNumberOf(date: BusinessDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  const { year, month, day } = parseCivil(date);
  const days = daysFromCivil(year, month, day);
  if (dayNumbers.size >= 50_000) dayNumbers.clear();
  dayNumbers.set(date, days);
  return days;
}

export function dateOfDayNumber(days: number): BusinessDate {
  return formatCivil(civilFromDays(days));
}

/** Negative when `a` is earlier, zero when equal, positive when later. */
export function compareDates(a: BusinessDate, b: BusinessDate): number {
  return dayNumberOf(a) - dayNumberOf(b);
}

export function isBefore(a: BusinessDate, b: BusinessDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: BusinessDate, b: BusinessDate): boolean {
  return compareDates(a, b) > 0;
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/**
 * Whether `date` lies in `[from, to)`; `to` null means open-ended. Policies and categories share
 * this convention (inclusive start, exclusive end).
 */
export function isWithin(date: BusinessDate, from: BusinessDate, to: BusinessDate | null): boolean {
  return !isBefore(date, from) && (to === null || isBefore(date, to));
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekdayOf(date: BusinessDate): number {
  // 1970-01-01 was a Thursday (ISO weekday 4).
  return ((((dayNumberOf(date) + 3) % 7) + 7) % 7) + 1;
}

/** The ISO week (Monday–Sunday) a date belongs to, e.g. `2024-12-30` → `2025-W01`. */
export function isoWeekKeyOf(date: BusinessDate): IsoWeekKey {
  // The ISO week belongs to the year that holds its Thursday.
  const thursday = dayNumberOf(date) + 4 - isoWeekdayOf(date);
  const weekYear = civilFromDays(thursday).year;
  const week = floorDiv(thursday - daysFromCivil(weekYear, 1, 1), 7) + 1;
  return `${pad(weekYear, 4)}-W${pad(week, 2)}`;
}

export function monthKeyOf(date: BusinessDate): MonthKey {
  const known = monthOfDate.get(date);
  if (known !== undefined) return known;
  const { year, month } = parseCivil(date);
  const key = `${pad(year, 4)}-${pad(month, 2)}`;
  if (monthOfDate.size < MAX_REMEMBERED_DATES) monthOfDate.set(date, key);
  return key;
}

/**
 * The months of dates already checked: settling a month asks for the month of every sale, a million
 * times over the same thirty dates. Only valid dates are remembered, and only so many.
 */
const monthOfDate = new Map<BusinessDate, MonthKey>();
const MAX_REMEMBERED_DATES = 20_000;

function parseMonth(month: MonthKey): { year: number; month: number } {
  const match = MONTH_PATTERN.exec(month);
  if (!match || !isMonthKey(month)) throw new RangeError(`not a month YYYY-MM: ${month}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function firstDayOfMonth(month: MonthKey): BusinessDate {
  const parsed = parseMonth(month);
  return formatCivil({ ...parsed, day: 1 });
}

export function lastDayOfMonth(month: MonthKey): BusinessDate {
  const parsed = parseMonth(month);
  return formatCivil({ ...parsed, day: daysInMonth(parsed.year, parsed.month) });
}

/** The month after `month`. */
export function nextMonth(month: MonthKey): MonthKey {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return monthNumber === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${String(year).padStart(4, '0')}-${String(monthNumber + 1).padStart(2, '0')}`;
}

/**
 * 周岁: age in whole years on `date`. It rises on the birthday itself; someone born on 29 February
 * turns a year older on 1 March in common years, because (2, 28) still sorts before (2, 29).
 */
export function ageOn(birthDate: BusinessDate, date: BusinessDate): number {
  // Asked for every meal decided: compared as text ("MM-DD" sorts as the day of the year does)
  // rather than parsed, once both are known to be dates.
  if (!DATE_PATTERN.test(birthDate)) parseCivil(birthDate);
  if (!DATE_PATTERN.test(date)) parseCivil(date);
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}
