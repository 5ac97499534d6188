import { describe, expect, it } from 'vitest';
import { type CapHistoryEntry, capHistoryEntryOf, capHistoryFrom, countTowardsCap } from './caps.ts';
import type { SubsidyCap } from './policy-types.ts';
import { decide, earlier, OTHER_DISTRICT_CANTEEN, testPolicy, wireRule } from './test-support.ts';

const capped = (...caps: Record<string, unknown>[]) => testPolicy({ caps });

/** Two stacking groups: base 300 and daily 200. */
const twoGroups = (...caps: Record<string, unknown>[]) =>
  testPolicy({
    caps,
    rules: [
      wireRule({ ruleId: 'base', stackGroup: 'base' }),
      wireRule({ ruleId: 'daily', stackGroup: 'daily', benefit: { kind: 'fixed', fen: 200 } }),
    ],
  });

const at = (date: string, time = '12:00') => `${date}T${time}:00+08:00`;

describe('whole-meal caps count subsidised meals', () => {
  it.each<[string, CapHistoryEntry[], number]>([
    ['nothing yet today', [], 300],
    ['a subsidised meal today', [earlier('2024-06-03')], 0],
    ['a subsidised meal yesterday', [earlier('2024-06-02')], 300],
    ['an unsubsidised meal today', [earlier('2024-06-03', { subsidised: false })], 300],
    ['a subsidised breakfast today', [earlier('2024-06-03', { period: 'breakfast' })], 0],
  ])('one a day, after %s', (_case, history, subsidy) => {
    expect(decide({ policy: capped({ per: 'day', max: 1 }), history }).subsidyFen).toBe(subsidy);
  });

  it('sells a meal over the cap at full price and says why', () => {
    const decision = decide({ policy: capped({ per: 'day', max: 1 }), history: [earlier('2024-06-03')] });
    expect(decision).toMatchObject({
      subsidyFen: 0,
      elderPaysFen: 1200,
      lines: [],
      uncappedSubsidyFen: 300,
      reasons: ['cap-day'],
    });
  });

  it('counts the ISO week Monday to Sunday, across a month end, without carrying over', () => {
    const policy = capped({ per: 'week', max: 5 });
    // 2024-07-29 is a Monday; its week ends on Sunday 2024-08-04.
    const week = ['2024-07-29', '2024-07-30', '2024-07-31', '2024-08-01', '2024-08-02'].map((date) =>
      earlier(date),
    );
    expect(decide({ policy, history: week, at: at('2024-08-03') }).reasons).toEqual(['cap-week']);
    expect(decide({ policy, history: week, at: at('2024-08-04') }).reasons).toEqual(['cap-week']);
    expect(decide({ policy, history: week, at: at('2024-08-05') }).subsidyFen).toBe(300);
    expect(decide({ policy, history: week.slice(1), at: at('2024-08-03') }).subsidyFen).toBe(300);
  });

  it('counts the calendar month', () => {
    const policy = capped({ per: 'month', max: 2 });
    const history = [earlier('2024-05-31'), earlier('2024-06-01'), earlier('2024-06-02')];
    expect(decide({ policy, history, at: at('2024-06-30') }).reasons).toEqual(['cap-month']);
    expect(decide({ policy, history, at: at('2024-07-01') }).subsidyFen).toBe(300);
    expect(decide({ policy, history: history.slice(0, 2), at: at('2024-06-30') }).subsidyFen).toBe(300);
  });

  it('counts history in arrival order, whatever its time: a later meal decided earlier counts', () => {
    const policy = capped({ per: 'week', max: 1 });
    expect(decide({ policy, history: [earlier('2024-06-07')] }).reasons).toEqual(['cap-week']);
  });

  it('stops counting a voided sale once it leaves the history', () => {
    const policy = capped({ per: 'day', max: 1 });
    const sold = earlier('2024-06-03');
    expect(decide({ policy, history: [sold] }).subsidyFen).toBe(0);
    expect(decide({ policy, history: [sold].filter((entry) => entry !== sold) }).subsidyFen).toBe(300);
  });

  it('never subsidises with a cap of zero', () => {
    expect(decide({ policy: capped({ per: 'month', max: 0 }) }).reasons).toEqual(['cap-month']);
  });

  it('puts the cap first when the meal also lost local shares', () => {
    const policy = testPolicy({
      caps: [{ per: 'day', max: 1 }],
      rules: [
        wireRule({
          funding: [
            { source: 'city', shareBp: 6000 },
            { source: 'district', shareBp: 4000, locality: 'district' },
          ],
        }),
      ],
    });
    const decision = decide({ policy, canteen: OTHER_DISTRICT_CANTEEN, history: [earlier('2024-06-03')] });
    expect(decision).toMatchObject({
      subsidyFen: 0,
      uncappedSubsidyFen: 180,
      reasons: ['cap-day', 'outside-locality'],
    });
  });

  it('names every full whole-meal cap', () => {
    const policy = capped({ per: 'day', max: 1 }, { per: 'week', max: 1 });
    expect(decide({ policy, history: [earlier('2024-06-03')] }).reasons).toEqual(['cap-day', 'cap-week']);
  });
});

describe('caps with a period', () => {
  const policy = capped({ per: 'day', period: 'lunch', max: 1 });

  it.each<[string, string, CapHistoryEntry[], number, string[]]>([
    ['lunch after a lunch', '12:00', [earlier('2024-06-03', { period: 'lunch' })], 0, ['cap-period']],
    ['dinner after a lunch', '18:00', [earlier('2024-06-03', { period: 'lunch' })], 300, []],
    ['lunch after a dinner', '12:00', [earlier('2024-06-03', { period: 'dinner' })], 300, []],
    ['lunch after yesterday’s lunch', '12:00', [earlier('2024-06-02', { period: 'lunch' })], 300, []],
  ])('%s', (_case, time, history, subsidy, reasons) => {
    const decision = decide({ policy, history, at: at('2024-06-03', time) });
    expect(decision.subsidyFen).toBe(subsidy);
    expect(decision.reasons).toEqual(reasons);
  });
});

describe('caps on a stack group', () => {
  it('stops only that group when the group paid for a meal today', () => {
    const decision = decide({
      policy: twoGroups({ per: 'day', max: 1, stackGroup: 'daily' }),
      history: [earlier('2024-06-03', { groups: ['base', 'daily'] })],
    });
    expect(decision.lines.map((line) => [line.ruleId, line.fen])).toEqual([['base', 300]]);
    expect(decision).toMatchObject({ subsidyFen: 300, uncappedSubsidyFen: 500, reasons: ['cap-group'] });
  });

  it('counts only meals in which the group paid something', () => {
    const decision = decide({
      policy: twoGroups({ per: 'day', max: 1, stackGroup: 'daily' }),
      history: [earlier('2024-06-03', { groups: ['base'] })],
    });
    expect(decision.subsidyFen).toBe(500);
  });

  it('gives nothing when every paying group is capped', () => {
    const decision = decide({
      policy: twoGroups(
        { per: 'day', max: 1, stackGroup: 'daily' },
        { per: 'week', max: 2, stackGroup: 'base' },
      ),
      history: [
        earlier('2024-06-03', { groups: ['daily'] }),
        earlier('2024-06-01', { groups: ['base'] }),
        earlier('2024-06-02', { groups: ['base'] }),
      ],
    });
    // 2024-06-01 and 06-02 are Saturday and Sunday of the week before: base is not full.
    expect(decision.subsidyFen).toBe(300);
    const full = decide({
      policy: twoGroups(
        { per: 'day', max: 1, stackGroup: 'daily' },
        { per: 'week', max: 1, stackGroup: 'base' },
      ),
      history: [earlier('2024-06-03', { groups: ['daily', 'base'] })],
    });
    expect(full).toMatchObject({ subsidyFen: 0, elderPaysFen: 1200, reasons: ['cap-group'] });
  });

  it('lets a whole-meal cap stop every group', () => {
    const decision = decide({
      policy: twoGroups({ per: 'day', max: 1 }),
      history: [earlier('2024-06-03', { groups: ['base'] })],
    });
    expect(decision).toMatchObject({ subsidyFen: 0, uncappedSubsidyFen: 500, reasons: ['cap-day'] });
  });

  it('limits a group cap with a period to meals of that period', () => {
    const policy = twoGroups({ per: 'day', max: 1, period: 'lunch', stackGroup: 'daily' });
    const history = [earlier('2024-06-03', { period: 'lunch', groups: ['daily'] })];
    expect(decide({ policy, history, at: at('2024-06-03', '12:30') }).subsidyFen).toBe(300);
    expect(decide({ policy, history, at: at('2024-06-03', '18:00') }).subsidyFen).toBe(500);
  });
});

describe('counting towards a cap', () => {
  const cap = (overrides: Partial<SubsidyCap>): SubsidyCap => ({
    per: 'day',
    max: 1,
    period: null,
    stackGroup: null,
    ...overrides,
  });
  const history = [
    earlier('2024-06-03', { period: 'lunch', groups: ['base'] }),
    earlier('2024-06-03', { period: 'dinner', subsidised: false }),
    earlier('2024-06-04', { period: 'lunch', groups: ['base', 'daily'] }),
  ];
  const meal = { businessDate: '2024-06-04', period: 'dinner' as const };

  it.each<[string, Partial<SubsidyCap>, number]>([
    ['subsidised meals today', {}, 1],
    ['subsidised meals this week', { per: 'week' }, 2],
    ['lunches this week', { per: 'week', period: 'lunch' }, 2],
    ['dinners this week', { per: 'week', period: 'dinner' }, 0],
    ['meals the daily group paid this month', { per: 'month', stackGroup: 'daily' }, 1],
  ])('%s', (_case, overrides, count) => {
    expect(countTowardsCap(cap(overrides), meal, history)).toBe(count);
  });

  it('records a decided meal for later caps', () => {
    const decision = decide({ policy: twoGroups() });
    expect(capHistoryEntryOf(decision)).toEqual({
      businessDate: '2024-06-03',
      period: 'lunch',
      subsidised: true,
      paidStackGroups: ['base', 'daily'],
    });
    expect(capHistoryEntryOf(decide({ elder: null }))).toEqual({
      businessDate: '2024-06-03',
      period: 'lunch',
      subsidised: false,
      paidStackGroups: [],
    });
  });
});

describe('where a meal’s cap history starts', () => {
  it.each([
    ['mid-month: the first of the month', '2026-10-14', '2026-10-01'],
    ['a week begun in the month before: its Monday', '2026-10-01', '2026-09-28'],
    ['a Monday after the first: the first of the month', '2026-10-05', '2026-10-01'],
    ['across a year end', '2027-01-02', '2026-12-28'],
  ])('%s', (_, date, from) => {
    expect(capHistoryFrom(date)).toBe(from);
  });
});
