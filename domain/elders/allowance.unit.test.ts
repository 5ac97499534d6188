import { describe, expect, it } from 'vitest';
import { stateFrom } from '../decider.ts';
import { fen } from '../money.ts';
import {
  type AllowanceMeal,
  capHistoryOf,
  capMonthsOf,
  decidedMealOf,
  EMPTY_ALLOWANCE,
  withMeal,
  withVoided,
} from './allowance.ts';
import { type ElderEvent, elder, owedNotShownFen, requireRegistered } from './elder.ts';
import { elderFromSnapshot, elderSnapshotHead, elderSnapshotMonths } from './elder-snapshot.ts';

const meal = (saleId: string, businessDate: string, revision: number): AllowanceMeal => ({
  saleId,
  businessDate,
  revision,
  voided: false,
  period: 'lunch',
  subsidised: true,
  paidStackGroups: [],
});

describe('allowance by business month', () => {
  it('names the months a meal’s caps count: its own, and the other month its week reaches into', () => {
    expect(capMonthsOf('2026-10-14')).toEqual(['2026-10']);
    // Monday 28 September to Sunday 4 October.
    expect(capMonthsOf('2026-10-01')).toEqual(['2026-09', '2026-10']);
    expect(capMonthsOf('2026-09-28')).toEqual(['2026-09', '2026-10']);
    // Monday 28 December 2026 to Sunday 3 January 2027: across the year too.
    expect(capMonthsOf('2027-01-02')).toEqual(['2026-12', '2027-01']);
  });

  it('counts the non-voided meals of those months, whatever order they arrived in', () => {
    let allowance = EMPTY_ALLOWANCE;
    for (const [saleId, date, revision] of [
      ['late', '2026-09-29', 7],
      ['a', '2026-09-01', 3],
      ['b', '2026-10-02', 5],
      ['c', '2026-10-20', 6],
      ['d', '2026-08-31', 4],
    ] as const) {
      allowance = withMeal(allowance, meal(saleId, date, revision));
    }
    allowance = withVoided(allowance, 'c', '2026-10-20');
    expect(capHistoryOf(allowance, '2026-10-01').map((entry) => entry.saleId)).toEqual(['late', 'a', 'b']);
    expect(capHistoryOf(allowance, '2026-10-21').map((entry) => entry.saleId)).toEqual(['b']);
    // A voided sale stays known, so that its retry is answered, not decided again.
    expect(decidedMealOf(allowance, '2026-10-20', 'c')).toMatchObject({ voided: true, revision: 6 });
    expect(decidedMealOf(allowance, '2026-10-20', 'x')).toBeUndefined();
  });

  it('finds a void recorded without its date in whichever month holds the sale', () => {
    const allowance = withVoided(withMeal(EMPTY_ALLOWANCE, meal('a', '2026-09-01', 3)), 'a', undefined);
    expect(decidedMealOf(allowance, '2026-09-01', 'a')?.voided).toBe(true);
  });

  it('refuses to count months that were not loaded, rather than count them empty', () => {
    const loaded = { months: new Map(), covers: new Set(['2026-10']) };
    expect(capHistoryOf(loaded, '2026-10-20')).toEqual([]);
    expect(() => capHistoryOf(loaded, '2026-10-01')).toThrow(/2026-09/);
  });
});

describe('elder state over years', () => {
  const profile = {
    name: '张三明',
    birthDate: '1940-05-01',
    idNumber: { sealed: 's', lookupHash: 'h', masked: 'm' },
    district: '西城区',
    town: '一街道',
    homeCanteenId: null,
    categories: [],
  };
  const decided = (saleId: string, businessDate: string, owedFen = 0, notice = false): ElderEvent =>
    ({
      type: 'MealSubsidyDecided',
      data: {
        elderId: 'e1',
        saleId,
        businessDate,
        period: 'lunch',
        lines: [{ ruleId: 'r', stackGroup: null, fen: fen(300), funding: [] }],
        owedFen: fen(owedFen),
        sale: { notice: notice ? { owedFen: fen(1) } : null },
      },
    }) as unknown as ElderEvent;
  const registered: ElderEvent = { type: 'ElderRegistered', data: { elderId: 'e1', profile } };

  it('owes an offline sale’s excess until a sale shows it, and not at all once that sale is voided', () => {
    const owing = requireRegistered(
      stateFrom(elder, [registered, decided('s1', '2026-10-01', 300), decided('s2', '2026-10-02', 200)]),
    );
    expect(owedNotShownFen(owing)).toBe(500);
    const voided = requireRegistered(
      elder.evolve(owing, {
        type: 'MealSubsidyVoided',
        data: { elderId: 'e1', saleId: 's1', businessDate: '2026-10-01' },
      }),
    );
    expect(owedNotShownFen(voided)).toBe(200);
    const shown = requireRegistered(elder.evolve(voided, decided('s3', '2026-10-03', 0, true)));
    expect(owedNotShownFen(shown)).toBe(0);
  });

  it('comes back from a snapshot of a few months as the whole fold has them, with its revision', () => {
    const events: ElderEvent[] = [registered];
    for (let day = 0; day < 400; day++) {
      const date = new Date(Date.UTC(2025, 9, 1 + day)).toISOString().slice(0, 10);
      events.push(decided(`s${day}`, date, day === 399 ? 100 : 0));
    }
    const whole = requireRegistered(stateFrom(elder, events));
    expect(whole.version).toBe(400);
    const months = capMonthsOf('2026-11-02');
    const restored = elderFromSnapshot(
      JSON.parse(JSON.stringify(elderSnapshotHead(whole))),
      months,
      new Map(JSON.parse(JSON.stringify([...elderSnapshotMonths(whole, whole.allowance.months.keys())]))),
    );
    expect(restored).not.toBeNull();
    if (!restored) return;
    expect(restored.version).toBe(400);
    expect(owedNotShownFen(restored)).toBe(100);
    expect(capHistoryOf(restored.allowance, '2026-11-02')).toEqual(
      capHistoryOf(whole.allowance, '2026-11-02'),
    );
    expect(() => capHistoryOf(restored.allowance, '2026-03-02')).toThrow();
    expect(elderFromSnapshot({ ...elderSnapshotHead(whole), format: 0 }, months, new Map())).toBeNull();
  });
});
