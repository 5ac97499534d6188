import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERVISION_SETTINGS } from './settings.ts';
import { superviseAll } from './supervision.ts';
import { generateScenario } from './testing/scenario.ts';
import { scoreAlerts, scoreTable } from './testing/score.ts';

describe('a month with planted frauds', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds every planted case with few false alarms (seed ${seed})`, () => {
      const scenario = generateScenario(seed);
      const alerts = superviseAll(scenario.facts, DEFAULT_SUPERVISION_SETTINGS);
      const scores = scoreAlerts(alerts, scenario.planted);
      const sales = scenario.facts.filter((fact) => fact.type === 'sale').length;
      const title = `seed ${seed}: ${sales} sales, ${scenario.planted.length} planted cases, ${alerts.length} alerts`;
      console.log(scoreTable(title, scores));
      for (const row of scores) {
        expect(row.planted, row.kind).toBeGreaterThan(0);
        expect(row.recall, `recall of ${row.kind}`).toBe(1);
        expect(row.precision, `precision of ${row.kind}`).toBeGreaterThanOrEqual(0.9);
      }
    });
  }

  it('raises for the migrated month only its voids made after the day closed (seeds 1–3)', () => {
    for (const seed of [1, 2, 3]) {
      const scenario = generateScenario(seed);
      const migrated = superviseAll(scenario.facts, DEFAULT_SUPERVISION_SETTINGS)
        .filter((alert) => alert.month === scenario.migrated.month)
        .map((alert) => ({ kind: alert.kind, saleIds: alert.saleIds }));
      expect(scenario.migrated.planted).toHaveLength(2);
      expect(migrated).toEqual(scenario.migrated.planted.map(({ kind, saleIds }) => ({ kind, saleIds })));
    }
  });

  it('is the same month for the same seed', () => {
    expect(generateScenario(7)).toEqual(generateScenario(7));
  });
});
