import { describe, expect, it } from 'vitest';
import {
  addDays,
  ageOn,
  compareDates,
  dateOfDayNumber,
  dayNumberOf,
  firstDayOfMonth,
  isBusinessDate,
  isMonthKey,
  isoWeekdayOf,
  isoWeekKeyOf,
  isWithin,
  lastDayOfMonth,
  monthKeyOf,
  nextMonth,
} from './calendar.ts';

describe('business dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2024-04-31', false],
    ['2024-13-01', false],
    ['2024-1-01', false],
    ['2024-01-01T00:00', false],
  ])('%s is a real date: %s', (text, expected) => {
    expect(isBusinessDate(text)).toBe(expected);
  });

  it('counts days from 1970-01-01 both ways', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('2000-03-01')).toBe(11_017);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
    expect(dateOfDayNumber(19_723)).toBe('2024-01-01');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('compares dates', () => {
    expect(compareDates('2024-01-31', '2024-02-01')).toBe(-1);
    expect(compareDates('2024-03-01', '2024-02-28')).toBe(2);
    expect(compareDates('2024-05-05', '2024-05-05')).toBe(0);
  });

  it('treats [from, to) with an open end', () => {
    expect(isWithin('2024-01-01', '2024-01-01', '2024-02-01')).toBe(true);
    expect(isWithin('2024-02-01', '2024-01-01', '2024-02-01')).toBe(false);
    expect(isWithin('2023-12-31', '2024-01-01', null)).toBe(false);
    expect(isWithin('2099-12-31', '2024-01-01', null)).toBe(true);
  });
});

describe('weeks and months', () => {
  it.each([
    ['2024-01-01', 1, '2024-W01'], // Monday
    ['2024-01-07', 7, '2024-W01'], // Sunday ends the week
    ['2024-01-08', 1, '2024-W02'],
    ['2024-12-30', 1, '2025-W01'], // week-year ahead of the calendar year
    ['2021-01-03', 7, '2020-W53'], // week-year behind the calendar year
    ['2026-10-08', 4, '2026-W41'],
  ])('%s is weekday %i in %s', (date, weekday, week) => {
    expect(isoWeekdayOf(date)).toBe(weekday);
    expect(isoWeekKeyOf(date)).toBe(week);
  });

  it('names the month and its first and last days', () => {
    expect(monthKeyOf('2024-02-15')).toBe('2024-02');
    expect(firstDayOfMonth('2024-02')).toBe('2024-02-01');
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2023-02')).toBe('2023-02-28');
    expect(lastDayOfMonth('2024-12')).toBe('2024-12-31');
    expect(nextMonth('2024-09')).toBe('2024-10');
    expect(nextMonth('2024-12')).toBe('2025-01');
    expect(isMonthKey('2024-13')).toBe(false);
    expect(isMonthKey('2024-09')).toBe(true);
  });
});

describe('age in whole years', () => {
  it.each([
    ['1944-05-10', '2024-05-09', 79],
    ['1944-05-10', '2024-05-10', 80], // rises on the birthday itself
    ['1944-02-29', '2024-02-28', 79],
    ['1944-02-29', '2024-02-29', 80],
    ['1944-02-29', '2023-02-28', 78], // common year: not yet on 28 February
    ['1944-02-29', '2023-03-01', 79], // … but on 1 March
    ['1964-12-31', '2024-12-30', 59],
  ])('born %s is %i on %s', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });
});
