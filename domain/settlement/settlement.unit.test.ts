import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { instantFromIso } from '../time/shanghai-time.ts';
import { type SettlementEvent, settlement } from './settlement.ts';
import type { MonthSettlement } from './settlement-types.ts';

const spec = deciderSpec(settlement);
const at = (iso: string) => instantFromIso(iso) ?? 0;
const zhang = { userId: 'zhang', name: '张经办' };
const wang = { userId: 'wang', name: '王审核' };
const cutoff = { position: '10/3', at: at('2024-07-01T09:00:00+08:00') };
const totals = {
  canteens: 0,
  mealsSold: 0,
  subsidisedMeals: 0,
  subsidyFen: 0,
  excludedFen: 0,
  bySource: [],
  operatingSubsidyFen: 0,
  adjustmentsFen: 0,
  reimbursementFen: 0,
};
const figures: MonthSettlement = { month: '2024-06', digest: 'root', canteens: [], totals };
const closed: SettlementEvent = {
  type: 'MonthClosed',
  data: { month: '2024-06', cutoff, closedBy: zhang, note: null, digest: 'root', totals, canteenIds: [] },
};
const step = (
  type: 'SettlementReviewed' | 'SettlementApproved' | 'SettlementPaid',
  by = wang,
): SettlementEvent => ({
  type,
  data: { month: '2024-06', by, at: cutoff.at, note: null },
});
const close = (now: string, note: string | null = null) =>
  ({
    type: 'CloseMonth',
    month: '2024-06',
    now: at(now),
    by: zhang,
    note,
    cutoff,
    settlement: figures,
  }) as const;
const take = (name: 'reviewed' | 'approved' | 'paid', by = wang) =>
  ({ type: 'TakeStep', step: name, by, at: cutoff.at, note: null }) as const;

describe('closing and the four-eyes steps', () => {
  it('closes a month that has ended in Shanghai', () => {
    spec.given([]).when(close('2024-07-01T00:00:00+08:00')).expect([closed]);
  });

  it('records the note of whoever closed the month, and reads closings recorded before notes as without one', () => {
    const noted = close('2024-07-01T00:00:00+08:00', '6月数据已与食堂核对');
    spec
      .given([])
      .when(noted)
      .expect([{ ...closed, data: { ...closed.data, note: '6月数据已与食堂核对' } } as SettlementEvent]);
    const { note: _absent, ...older } = (closed as Extract<SettlementEvent, { type: 'MonthClosed' }>).data;
    const before = settlement.evolve(settlement.initialState, { type: 'MonthClosed', data: older });
    expect(before.status === 'closed' && before.closeNote).toBe(null);
  });

  it('refuses to close a month before its last day has passed in Shanghai', () => {
    // 30 June 23:59 in Shanghai is still June, though it is already July somewhere else.
    spec.given([]).when(close('2024-06-30T23:59:00+08:00')).expectRefusal('period-not-ended');
  });

  it('answers a second close with nothing new: the first close stands', () => {
    spec.given([closed]).when(close('2024-08-01T00:00:00+08:00')).expect([]);
  });

  it('goes closed → reviewed → approved → paid', () => {
    spec
      .given([closed])
      .when(take('reviewed'))
      .expect([step('SettlementReviewed')]);
    spec
      .given([closed, step('SettlementReviewed')])
      .when(take('approved'))
      .expect([step('SettlementApproved')]);
    spec
      .given([closed, step('SettlementReviewed'), step('SettlementApproved')])
      .when(take('paid'))
      .expect([step('SettlementPaid')]);
  });

  it('refuses to skip a step or to act on an open month', () => {
    spec.given([closed]).when(take('approved')).expectRefusal('settlement-step');
    spec.given([]).when(take('reviewed')).expectRefusal('settlement-step');
  });

  it('refuses approval by the person who closed the month', () => {
    spec
      .given([closed, step('SettlementReviewed')])
      .when(take('approved', zhang))
      .expectRefusal('four-eyes');
  });

  it('answers a repeated step with nothing new', () => {
    spec
      .given([closed, step('SettlementReviewed')])
      .when(take('reviewed'))
      .expect([]);
  });
});
