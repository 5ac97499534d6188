import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { HOME_CANTEEN, instant, testElder, testPolicy, wireRule } from '../policy/test-support.ts';
import type { SettlementElder } from '../settlement/settlement-types.ts';
import { PolicySimulation, type SimulatedChange } from './policy-simulation.ts';

/**
 * Given the month's changes as recorded, when a proposal is simulated, then these figures. The
 * recorded month paid 300 fen a meal (rule `old`); the proposal pays 500 (rule `new`), once a day.
 */
const PROPOSAL = testPolicy({
  effectiveFrom: '2030-01-01', // ignored: the proposal is in force for the simulated month
  rules: [wireRule({ ruleId: 'new', benefit: { kind: 'fixed', fen: 500 } })],
  caps: [{ per: 'day', max: 1 }],
  operatingSubsidy: [{ kind: 'perSubsidisedMeal', fen: 100 }],
});
const RECORDED_POLICIES = [testPolicy()];
const ELDERS = new Map<string, SettlementElder>(
  ['A', 'B'].map((elderId) => [
    elderId,
    { elderId, birthDate: '1944-05-10', diedOn: null, maskedName: `${elderId}*`, maskedIdNumber: '4401**' },
  ]),
);

let events = 0;
const event = () => {
  events += 1;
  return { eventId: `e${events}`, leaf: `leaf-${events}` };
};

function sold(
  saleId: string,
  at: string,
  elderId: string | null,
  recordedFen: number,
  options: { readonly excludedFen?: number } = {},
): SimulatedChange {
  return {
    kind: 'sold',
    sale: {
      saleId,
      canteenId: HOME_CANTEEN.canteenId,
      businessDate: at.slice(0, 10),
      elderId,
      subsidyFen: fen(recordedFen + (options.excludedFen ?? 0)),
      lines:
        recordedFen === 0
          ? []
          : [
              {
                ruleId: 'old',
                stackGroup: null,
                fen: fen(recordedFen),
                funding: [{ source: 'city', fen: fen(recordedFen) }],
              },
            ],
      excluded: options.excludedFen ? [{ reason: 'offline-mismatch', fen: fen(options.excludedFen) }] : [],
    },
    event: event(),
    inputs: {
      meal: { occurredAt: instant(at), channel: 'dine-in', priceFen: fen(1200), canteen: HOME_CANTEEN },
      elder: elderId === null ? null : testElder({ elderId }),
    },
  };
}
const voided = (saleId: string): SimulatedChange => ({
  kind: 'voided',
  saleId,
  reason: '点错',
  event: event(),
});

function simulate(changes: readonly SimulatedChange[]) {
  const simulation = new PolicySimulation('2024-06', [PROPOSAL]);
  for (const change of changes) simulation.take(change);
  const [result] = simulation.results(RECORDED_POLICIES, ELDERS);
  if (!result) throw new Error('no result');
  return result;
}

describe('PolicySimulation', () => {
  it('settles the month as recorded and as decided again under the proposal', () => {
    const result = simulate([
      sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300),
      sold('s2', '2024-06-03T12:00:00+08:00', null, 0),
      sold('s3', '2024-06-04T12:00:00+08:00', 'B', 300),
    ]);
    expect(result.baseline).toMatchObject({
      mealsSold: 3,
      subsidisedMeals: 2,
      subsidyFen: 600,
      reimbursementFen: 600,
    });
    expect(result.proposed).toEqual({
      mealsSold: 3,
      subsidisedMeals: 2,
      subsidyFen: 1000,
      operatingSubsidyFen: 200,
      reimbursementFen: 1200,
      bySource: [{ source: 'city', fen: 1000 }],
    });
    expect(result.byRule).toEqual([
      { ruleId: 'new', baselineFen: 0, proposedFen: 1000 },
      { ruleId: 'old', baselineFen: 600, proposedFen: 0 },
    ]);
    expect(result.elders).toEqual({ affected: 2, gaining: 2, losing: 0, unchanged: 0 });
  });

  it('counts caps in recorded order over the month’s sales decided again, whatever their times', () => {
    // s2 was recorded first though it happened later the same day: it takes the day's subsidy.
    const result = simulate([
      sold('s2', '2024-06-03T18:00:00+08:00', 'A', 300),
      sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300),
    ]);
    expect(result.proposed).toMatchObject({ mealsSold: 2, subsidisedMeals: 1, subsidyFen: 500 });
    expect(result.elders).toEqual({ affected: 1, gaining: 0, losing: 1, unchanged: 0 });
  });

  it('frees a cap for the sales decided after a void, not before it', () => {
    const result = simulate([
      sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300),
      sold('s2', '2024-06-03T17:30:00+08:00', 'A', 0),
      voided('s1'),
      sold('s3', '2024-06-03T18:00:00+08:00', 'A', 300),
    ]);
    // s1 voided (out of every figure); s2 decided while s1 still counted: none; s3 after the void: 500.
    expect(result.proposed).toMatchObject({ mealsSold: 2, subsidisedMeals: 1, subsidyFen: 500 });
    expect(result.baseline).toMatchObject({ mealsSold: 2, subsidisedMeals: 1, subsidyFen: 300 });
  });

  it('decides an offline sale as an online one: what its terminal applied belongs to the old policy', () => {
    const result = simulate([sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300, { excludedFen: 200 })]);
    // Recorded: 500 applied at the till, 200 of it excluded from reimbursement.
    expect(result.baseline).toMatchObject({ subsidyFen: 500, reimbursementFen: 300 });
    expect(result.proposed).toMatchObject({ subsidyFen: 500, reimbursementFen: 600 });
  });

  it('keeps a confirmed alert’s exclusion in both: a meal found fraudulent is not paid under any policy', () => {
    const result = simulate([
      sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300),
      { kind: 'confirmed', alertId: 'a1', saleIds: ['s1'], reason: '代刷卡', event: event() },
    ]);
    expect(result.baseline).toMatchObject({ subsidyFen: 300, reimbursementFen: 0 });
    expect(result.proposed).toMatchObject({ subsidyFen: 500, subsidisedMeals: 0, reimbursementFen: 0 });
  });

  it('answers each canteen and no figures for a month without sales', () => {
    const empty = simulate([]);
    expect(empty.canteens).toEqual([]);
    expect(empty.proposed).toEqual({
      mealsSold: 0,
      subsidisedMeals: 0,
      subsidyFen: 0,
      operatingSubsidyFen: 0,
      reimbursementFen: 0,
      bySource: [],
    });
    const one = simulate([sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300)]);
    expect(one.canteens.map((canteen) => [canteen.canteenId, canteen.proposed.subsidyFen])).toEqual([
      [HOME_CANTEEN.canteenId, 500],
    ]);
  });

  it('folds several proposals in one pass, each as it would be alone', () => {
    const cheaper = testPolicy({
      rules: [wireRule({ ruleId: 'cheap', benefit: { kind: 'fixed', fen: 100 } })],
    });
    const changes = () => [
      sold('s1', '2024-06-03T12:00:00+08:00', 'A', 300),
      sold('s2', '2024-06-03T17:30:00+08:00', 'A', 0),
      voided('s1'),
      sold('s3', '2024-06-04T12:00:00+08:00', 'B', 300),
    ];
    const both = new PolicySimulation('2024-06', [PROPOSAL, cheaper]);
    for (const change of changes()) both.take(change);
    const alone = (proposal: typeof PROPOSAL) => {
      const simulation = new PolicySimulation('2024-06', [proposal]);
      for (const change of changes()) simulation.take(change);
      return simulation.results(RECORDED_POLICIES, ELDERS)[0];
    };
    expect(both.results(RECORDED_POLICIES, ELDERS)).toEqual([alone(PROPOSAL), alone(cheaper)]);
  });
});
