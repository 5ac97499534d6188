import type { OutboxEntry } from '../outbox/outbox.ts';

const PERIOD_ORDER = ['breakfast', 'lunch', 'dinner', 'other'];

interface Figures {
  /** 就餐人次: sales, each a person served once. */
  meals: number;
  /** 补贴人次 and 未补贴人次: together they make the meals. */
  subsidisedMeals: number;
  unsubsidisedMeals: number;
  /** 份数: dishes and set meals handed out (a sale of two soups is two). */
  portions: number;
  totalFen: number;
  subsidyFen: number;
  elderPaysFen: number;
}

const empty = (): Figures => ({
  meals: 0,
  subsidisedMeals: 0,
  unsubsidisedMeals: 0,
  portions: 0,
  totalFen: 0,
  subsidyFen: 0,
  elderPaysFen: 0,
});

function addSale(figures: Figures, entry: OutboxEntry): void {
  figures.meals += 1;
  if (entry.shown.subsidyFen > 0) figures.subsidisedMeals += 1;
  else figures.unsubsidisedMeals += 1;
  for (const item of entry.shown.items) figures.portions += item.qty;
  figures.totalFen += entry.shown.totalFen;
  figures.subsidyFen += entry.shown.subsidyFen;
  figures.elderPaysFen += entry.shown.elderPaysFen;
}

/**
 * 日结报表: the terminal's day by meal period, from what it charged (its outbox): voided and refused
 * sales are counted apart and left out of the figures. 就餐人次 = 补贴人次 + 未补贴人次; the guests
 * (散客, no card) are among the unsubsidised.
 */
export function dayReportOf(entries: readonly OutboxEntry[], businessDate: string) {
  const byPeriod = new Map<string, Figures>();
  const totals = { ...empty(), guestMeals: 0, voids: 0, offlineMeals: 0, refused: 0 };
  for (const entry of entries) {
    if (entry.shown.businessDate !== businessDate) continue;
    if (entry.void) {
      totals.voids += 1;
      continue;
    }
    if (entry.refusal) {
      totals.refused += 1;
      continue;
    }
    const period = entry.shown.period ?? 'other';
    const figures = byPeriod.get(period) ?? empty();
    addSale(figures, entry);
    byPeriod.set(period, figures);
    addSale(totals, entry);
    if (!entry.body.cardUid) totals.guestMeals += 1;
    if (entry.body.offline) totals.offlineMeals += 1;
  }
  const periods = [...byPeriod]
    .sort(([a], [b]) => PERIOD_ORDER.indexOf(a) - PERIOD_ORDER.indexOf(b))
    .map(([period, figures]) => ({ period, ...figures }));
  return { businessDate, periods, totals };
}
