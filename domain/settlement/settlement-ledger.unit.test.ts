import { describe, expect, it } from 'vitest';
import { fen } from '../money.ts';
import { testPolicy } from '../policy/test-support.ts';
import { merkleRoot } from './digest.ts';
import { SettlementLedger } from './settlement-ledger.ts';
import type { SettlementChange, SettlementElder } from './settlement-types.ts';

const elders = new Map<string, SettlementElder>(
  ['A', 'B'].map((elderId) => [
    elderId,
    {
      elderId,
      birthDate: '1940-01-01',
      diedOn: null,
      maskedName: `${elderId}*`,
      maskedIdNumber: '1101**********0011',
    },
  ]),
);
/** Pays 100 fen per elder-day besides the meals' own subsidy. */
const policies = [testPolicy({ operatingSubsidy: [{ kind: 'perElderDay', fen: 100 }] })];

let eventNumber = 0;
const event = () => {
  eventNumber += 1;
  return { eventId: `e${eventNumber}`, leaf: `leaf-${eventNumber}` };
};

function sold(
  saleId: string,
  date: string,
  elderId: string | null,
  subsidy = 300,
  canteenId = 'c1',
): SettlementChange {
  return {
    kind: 'sold',
    sale: {
      saleId,
      canteenId,
      businessDate: date,
      elderId,
      subsidyFen: fen(subsidy),
      lines:
        subsidy === 0
          ? []
          : [
              {
                ruleId: 'r1',
                stackGroup: null,
                fen: fen(subsidy),
                funding: [{ source: 'city', fen: fen(subsidy) }],
              },
            ],
      excluded: [],
    },
    event: event(),
  };
}
const voided = (saleId: string): SettlementChange => ({
  kind: 'voided',
  saleId,
  reason: '点错',
  event: event(),
});

const confirmed = (alertId: string, saleIds: string[]): SettlementChange => ({
  kind: 'confirmed',
  alertId,
  saleIds,
  reason: '核实为代刷卡',
  event: event(),
});

function settle(month: string, closedEarlier: string[], steps: (SettlementChange | { cutOff: string })[]) {
  const ledger = new SettlementLedger(month, closedEarlier);
  for (const step of steps) {
    if ('cutOff' in step) ledger.cutOff(step.cutOff);
    else ledger.record(step);
  }
  return ledger.settle({ policies, elders });
}

describe('a month settlement from recorded sales', () => {
  it('counts every non-voided sale of the month, guests included, and pays subsidy plus operating subsidy', () => {
    const { settlement } = settle(
      '2024-06',
      [],
      [
        sold('s1', '2024-06-03', 'A'),
        sold('s2', '2024-06-03', 'B', 0),
        sold('s3', '2024-06-03', null, 0),
        sold('s4', '2024-06-04', 'A'),
        sold('s5', '2024-06-05', 'B'),
        voided('s5'),
        sold('s6', '2024-05-31', 'A'),
      ],
    );
    const [canteen] = settlement.canteens;
    expect(canteen).toMatchObject({
      canteenId: 'c1',
      mealsSold: 4,
      subsidisedMeals: 2,
      subsidyFen: 600,
      bySource: [{ source: 'city', fen: 600 }],
      voided: [{ saleId: 's5', reason: '点错', subsidyFen: 300 }],
      // Elder-days: A and B on the 3rd, A on the 4th (the voided sale of the 5th is in no figure).
      operatingSubsidyFen: 300,
      reimbursementFen: 900,
      adjustments: [],
    });
    expect(canteen?.days.map((day) => [day.date, day.meals, day.elderDays])).toEqual([
      ['2024-06-03', 3, 2],
      ['2024-06-04', 1, 1],
    ]);
    expect(canteen?.elders.map((elder) => [elder.elderId, elder.meals, elder.reimbursableFen])).toEqual([
      ['A', 2, 600],
      ['B', 1, 0],
    ]);
    // The digest covers the month's sales and the void, in recorded order; not May's sale.
    expect(canteen?.eventCount).toBe(6);
    expect(settlement.digest).toBe(merkleRoot([canteen?.digest ?? '']));
  });

  it('carries a late sale and a late void of a closed month into the next month, operating subsidy included', () => {
    const { settlement } = settle(
      '2024-07',
      ['2024-06'],
      [
        sold('s1', '2024-06-03', 'A'),
        sold('s2', '2024-06-04', 'A'),
        { cutOff: '2024-06' },
        sold('s3', '2024-06-05', 'B'), // late: 300 subsidy + 100 for B's elder-day
        voided('s2'), // late: −300 and A's elder-day of the 4th
        sold('s4', '2024-07-01', 'A'),
      ],
    );
    const [canteen] = settlement.canteens;
    expect(canteen?.adjustments).toEqual([
      { month: '2024-06', saleId: 's3', kind: 'late-sale', fen: 400 },
      { month: '2024-06', saleId: 's2', kind: 'late-void', fen: -400 },
    ]);
    // The month's own counts hold July only; adjustments enter the reimbursement.
    expect(canteen).toMatchObject({
      mealsSold: 1,
      subsidyFen: 300,
      operatingSubsidyFen: 100,
      reimbursementFen: 400,
    });
    expect(canteen?.eventCount).toBe(3);
  });

  it('carries a late change only into the first month that was still open when it was recorded', () => {
    const steps = [
      sold('s1', '2024-05-03', 'A'),
      { cutOff: '2024-05' },
      sold('s2', '2024-05-04', 'B'), // recorded while June was open: June's adjustment
      { cutOff: '2024-06' },
      sold('s3', '2024-05-05', 'B'), // recorded after June closed: July's adjustment
    ];
    const june = settle('2024-06', ['2024-05'], steps.slice(0, 3)).settlement.canteens[0];
    expect(june?.adjustments.map((entry) => entry.saleId)).toEqual(['s2']);
    const july = settle('2024-07', ['2024-05', '2024-06'], steps).settlement.canteens[0];
    // B had already been served on the 4th: the late sale of the 5th adds its subsidy and one more elder-day.
    expect(july?.adjustments).toEqual([{ month: '2024-05', saleId: 's3', kind: 'late-sale', fen: 400 }]);
  });

  it('leaves a closed month alone when settled again: late changes are carried, not counted', () => {
    const steps = [sold('s1', '2024-06-03', 'A'), { cutOff: '2024-06' }, sold('s2', '2024-06-04', 'A')];
    const { settlement } = settle('2024-06', [], steps.slice(0, 1));
    const again = settle('2024-06', [], steps.slice(0, 1));
    expect(again.settlement).toEqual(settlement);
    expect(settlement.canteens[0]?.mealsSold).toBe(1);
  });

  it('lists a canteen with only adjustments, and totals across canteens', () => {
    const { settlement } = settle(
      '2024-07',
      ['2024-06'],
      [
        sold('s1', '2024-06-03', 'A', 300, 'c2'),
        { cutOff: '2024-06' },
        voided('s1'),
        sold('s2', '2024-07-02', 'B', 300, 'c1'),
      ],
    );
    expect(settlement.canteens.map((canteen) => [canteen.canteenId, canteen.reimbursementFen])).toEqual([
      ['c1', 400],
      ['c2', -400],
    ]);
    expect(settlement.totals).toMatchObject({
      canteens: 2,
      mealsSold: 1,
      adjustmentsFen: -400,
      reimbursementFen: 0,
    });
  });
});

describe('confirmed supervision alerts in a month settlement', () => {
  it("excludes the confirmed sales' subsidy, with the alert and its reason, from reimbursement and operating subsidy", () => {
    const { settlement } = settle(
      '2024-06',
      [],
      [
        sold('s1', '2024-06-03', 'A'),
        sold('s2', '2024-06-03', 'B'),
        sold('s3', '2024-06-04', 'B', 300, 'c2'),
        confirmed('alert-1', ['s2', 's3', 'unknown-sale']),
      ],
    );
    const [c1, c2] = settlement.canteens;
    // The meal was sold and its subsidy deducted; the bureau does not pay it back.
    expect(c1).toMatchObject({
      mealsSold: 2,
      subsidisedMeals: 1,
      subsidyFen: 600,
      excludedFen: 300,
      bySource: [{ source: 'city', fen: 300 }],
      excluded: [
        { saleId: 's2', reason: 'alert-confirmed', fen: 300, alertId: 'alert-1', note: '核实为代刷卡' },
      ],
      // B's elder-day of the 3rd rested on the excluded sale only.
      operatingSubsidyFen: 100,
      reimbursementFen: 400,
    });
    expect(c1?.days[0]).toMatchObject({ meals: 2, subsidisedMeals: 1, reimbursableFen: 300 });
    expect(c1?.elders.map((elder) => [elder.elderId, elder.reimbursableFen])).toEqual([
      ['A', 300],
      ['B', 0],
    ]);
    expect(c2).toMatchObject({ excludedFen: 300, operatingSubsidyFen: 0, reimbursementFen: 0 });
    // The confirmation is evidence of both canteens: their digests cover it.
    expect(c1?.eventCount).toBe(3);
    expect(c2?.eventCount).toBe(2);
  });

  it('changes the digest when a confirmation is left out, and not when a confirmation matches no sale', () => {
    const base = [sold('s1', '2024-06-03', 'A'), sold('s2', '2024-06-03', 'B')];
    const plain = settle('2024-06', [], base).settlement;
    const withConfirmation = settle('2024-06', [], [...base, confirmed('alert-1', ['s2'])]).settlement;
    const unrelated = settle('2024-06', [], [...base, confirmed('alert-2', ['s9'])]).settlement;
    expect(withConfirmation.digest).not.toBe(plain.digest);
    expect(unrelated.digest).toBe(plain.digest);
  });

  it('counts a sale excluded by two alerts once, and ignores a confirmation of a voided sale', () => {
    const { settlement } = settle(
      '2024-06',
      [],
      [
        sold('s1', '2024-06-03', 'A'),
        sold('s2', '2024-06-04', 'A'),
        voided('s2'),
        confirmed('alert-1', ['s1', 's2']),
        confirmed('alert-2', ['s1']),
      ],
    );
    expect(settlement.canteens[0]).toMatchObject({
      excludedFen: 300,
      excluded: [{ saleId: 's1', alertId: 'alert-1' }],
      reimbursementFen: 0,
    });
  });

  it('carries an alert confirmed after its month closed into the next month as one adjustment per canteen', () => {
    const { settlement } = settle(
      '2024-07',
      ['2024-06'],
      [
        sold('s1', '2024-06-03', 'A'),
        sold('s2', '2024-06-03', 'B'),
        sold('s3', '2024-06-04', 'B'),
        { cutOff: '2024-06' },
        // Both of B's meals: 600 subsidy and B's elder-days of the 3rd and the 4th.
        confirmed('alert-1', ['s2', 's3']),
        sold('s4', '2024-07-01', 'A'),
      ],
    );
    const [canteen] = settlement.canteens;
    expect(canteen?.adjustments).toEqual([
      {
        month: '2024-06',
        saleId: 's2',
        kind: 'late-exclusion',
        fen: -800,
        alertId: 'alert-1',
        note: '核实为代刷卡',
      },
    ]);
    expect(canteen).toMatchObject({ excludedFen: 0, reimbursementFen: 400 - 800 });
  });
});
