import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, type Alert, type AlertKind } from './alert.ts';
import { DEFAULT_SUPERVISION_SETTINGS } from './settings.ts';
import { superviseAll } from './supervision.ts';
import { generateScenario, type PlantedCase } from './testing/scenario.ts';

interface Score {
  kind: AlertKind;
  planted: number;
  found: number;
  alerts: number;
  trueAlerts: number;
}

function score(alerts: readonly Alert[], planted: readonly PlantedCase[]): Score[] {
  return ALERT_KINDS.map((kind) => {
    const cases = planted.filter((entry) => entry.kind === kind).map((entry) => new Set(entry.saleIds));
    const ofKind = alerts.filter((alert) => alert.kind === kind);
    const hits = (alert: Alert, sales: Set<string>) => alert.saleIds.some((saleId) => sales.has(saleId));
    return {
      kind,
      planted: cases.length,
      found: cases.filter((sales) => ofKind.some((alert) => hits(alert, sales))).length,
      alerts: ofKind.length,
      trueAlerts: ofKind.filter((alert) => cases.some((sales) => hits(alert, sales))).length,
    };
  });
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

describe('a month with planted frauds', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds every planted case with few false alarms (seed ${seed})`, () => {
      const scenario = generateScenario(seed);
      const alerts = superviseAll(scenario.facts, DEFAULT_SUPERVISION_SETTINGS);
      const scores = score(alerts, scenario.planted);
      const sales = scenario.facts.filter((fact) => fact.type === 'sale').length;
      console.log(
        [
          `seed ${seed}: ${sales} sales, ${scenario.planted.length} planted cases, ${alerts.length} alerts`,
          'kind              planted found alerts  recall precision',
          ...scores.map(
            (row) =>
              `${row.kind.padEnd(18)}${String(row.planted).padStart(7)}${String(row.found).padStart(6)}${String(row.alerts).padStart(7)}` +
              `${ratio(row.found, row.planted).toFixed(2).padStart(8)}${ratio(row.trueAlerts, row.alerts).toFixed(2).padStart(10)}`,
          ),
        ].join('\n'),
      );
      for (const row of scores) {
        expect(row.planted, row.kind).toBeGreaterThan(0);
        expect(ratio(row.found, row.planted), `recall of ${row.kind}`).toBe(1);
        expect(ratio(row.trueAlerts, row.alerts), `precision of ${row.kind}`).toBeGreaterThanOrEqual(0.9);
      }
    });
  }

  it('is the same month for the same seed', () => {
    expect(generateScenario(7)).toEqual(generateScenario(7));
  });
});
