import { describe, expect, it } from 'vitest';
import type { Alert } from '../../domain/supervision/alert.ts';
import { dayEntryOf, dayKey, forgetDaysBefore } from '../../domain/supervision/checks/check.ts';
import { DEFAULT_SUPERVISION_SETTINGS } from '../../domain/supervision/settings.ts';
import {
  applySupervisionFact,
  newSupervisionState,
  superviseAll,
} from '../../domain/supervision/supervision.ts';
import { generateScenario } from '../../domain/supervision/testing/scenario.ts';
import { type StateChanges, type StateEntry, TrackedSupervisionState } from './state-entries.ts';

const settings = DEFAULT_SUPERVISION_SETTINGS;
const keyOf = (entry: { part: string; key: string }) => `${entry.part}\u0000${entry.key}`;
const sorted = (entries: readonly StateEntry[]) =>
  [...entries].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)).map((entry) => [keyOf(entry), entry.json]);

/** What a table of entries holds after each page's changes are written to it. */
function applyChanges(table: Map<string, StateEntry>, changes: StateChanges): void {
  for (const { part, date } of changes.deletedDays)
    for (const [key, entry] of table)
      if (entry.part === part && entry.key.startsWith(`${date}|`)) table.delete(key);
  for (const entry of changes.written) table.set(keyOf(entry), entry);
  for (const entry of changes.deleted) table.delete(keyOf(entry));
}

describe('the checks’ state kept entry by entry', () => {
  it('writes per page what the checks changed: the table always holds the state, and a state read back from it goes on alike', () => {
    const { facts } = generateScenario(1);
    const plain = newSupervisionState();
    const first = TrackedSupervisionState.initial();
    const table = new Map(first.entries().map((entry) => [keyOf(entry), entry]));
    const alerts = new Map<string, Alert>();
    const page = 97;
    let pages = 0;
    let written = 0;
    const foldInPages = (going: TrackedSupervisionState, part: readonly (typeof facts)[number][]) => {
      for (let first = 0; first < part.length; first += page) {
        for (const fact of part.slice(first, first + page)) {
          for (const alert of applySupervisionFact(going.state, fact, settings).alerts)
            if (!alerts.has(alert.alertId)) alerts.set(alert.alertId, alert);
          applySupervisionFact(plain, fact, settings);
        }
        const changes = going.takeChanges();
        pages += 1;
        written += changes.written.reduce((sum, entry) => sum + entry.json.length, 0);
        applyChanges(table, changes);
        if (pages % 20 === 0) expect(sorted([...table.values()])).toEqual(sorted(going.entries()));
      }
      expect(sorted([...table.values()])).toEqual(sorted(going.entries()));
    };
    const half = Math.floor(facts.length / 2);
    foldInPages(first, facts.slice(0, half));
    // The process restarts: the state is read back from the table and goes on from there.
    const resumed = TrackedSupervisionState.fromEntries(table.values());
    foldInPages(resumed, facts.slice(half));
    expect(JSON.parse(JSON.stringify(resumed.state))).toEqual(plain);
    expect([...alerts.values()]).toEqual(superviseAll(facts, settings));
    // A page writes a small share of the state, not the whole state.
    const stateChars = [...table.values()].reduce((sum, entry) => sum + entry.json.length, 0);
    expect(written / pages).toBeLessThan(stateChars * 0.1);
  }, 60_000);

  it('writes nothing for a fact that changes nothing, and one sale only the entries it touched', () => {
    const { facts } = generateScenario(1);
    const tracked = TrackedSupervisionState.initial();
    const upToLast = facts.slice(0, -1);
    for (const fact of upToLast) applySupervisionFact(tracked.state, fact, settings);
    const all = tracked.takeChanges();
    expect(all.written.length).toBeGreaterThan(100);
    expect(tracked.takeChanges()).toEqual({ deletedDays: [], deleted: [], written: [] });
    const sale = upToLast.findLast((fact) => fact.type === 'sale' && fact.sale.elderId !== null);
    if (sale?.type !== 'sale') throw new Error('the scenario has card sales');
    applySupervisionFact(
      tracked.state,
      { ...sale, sale: { ...sale.sale, saleId: 'one-more', eventId: 'ev' } },
      settings,
    );
    const one = tracked.takeChanges();
    // Its day's entries only: not the canteen's details or the card's taps of other days, only read.
    const date = sale.sale.businessDate;
    expect(one.written.map((entry) => `${entry.part} ${entry.key}`).sort()).toEqual(
      [
        `afterDeath.sales ${dayKey(sale.sale.elderId as string, date)}`,
        `impossibleTravel.taps ${dayKey(sale.sale.cardUid as string, date)}`,
        `rapidTapping.taps ${dayKey(`cashier ${sale.sale.cashierId}`, date)}|${Math.floor(sale.sale.occurredAt / 3_600_000)}`,
        `regularCounts.open ${dayKey(sale.sale.canteenId, date)}`,
        `retiredCard.sales ${dayKey(sale.sale.cardUid as string, date)}`,
        `voidRate.open ${dayKey(sale.sale.canteenId, date)}`,
        `voidRatePeers.open ${dayKey(sale.sale.canteenId, date)}`,
      ].sort(),
    );
  });

  it('stores a day dropped whole as one deletion, written after it when the day is made again', () => {
    const tracked = TrackedSupervisionState.initial();
    const sales = tracked.state.afterDeath.sales;
    const meal = (saleId: string) => ({ saleId }) as unknown as (typeof sales)[string][string][number];
    dayEntryOf(sales, '2026-10-01', 'e1', () => []).push(meal('s1'));
    dayEntryOf(sales, '2026-10-02', 'e1', () => []).push(meal('s2'));
    const table = new Map(tracked.entries().map((entry) => [keyOf(entry), entry]));
    tracked.takeChanges();
    forgetDaysBefore(sales, '2026-10-02');
    dayEntryOf(sales, '2026-10-01', 'e2', () => []).push(meal('s3'));
    const changes = tracked.takeChanges();
    expect(changes.deletedDays).toEqual([{ part: 'afterDeath.sales', date: '2026-10-01' }]);
    expect(changes.written.map((entry) => entry.key)).toEqual(['2026-10-01|e2']);
    applyChanges(table, changes);
    expect(sorted([...table.values()])).toEqual(sorted(tracked.entries()));
    expect(table.has(keyOf({ part: 'afterDeath.sales', key: '2026-10-01|e1' }))).toBe(false);
  });

  it('refuses a check that replaces a whole record instead of changing it', () => {
    const tracked = TrackedSupervisionState.initial();
    expect(() => {
      (tracked.state.afterDeath as { sales: object }).sales = {};
    }).toThrow(/replaced its record sales/);
  });
});
