import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../domain/domain-error.ts';
import {
  type CountedMeal,
  countedMealOfAnswer,
  decideOffline,
  type OfflineCopy,
} from '../../domain/terminals/offline-copy.ts';
import type { BusinessDate } from '../../domain/time/calendar.ts';
import { writeFileDurably } from '../durable-file.ts';
import type { OutboxEntry } from '../outbox/outbox.ts';
import { CounterError, refusalAtCounter } from './counter-views.ts';

/**
 * The offline copy as the counter keeps it (on disk, replaced by every newer one), with the meals
 * this terminal sold since it was made: what the counter decides from when the service is away.
 */
export class CounterOfflineCopy {
  private copy: OfflineCopy | null = null;
  private readonly file: string;
  private readonly laterMeals = new Map<string, CountedMeal[]>();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'offline-copy.json');
    if (existsSync(this.file)) this.copy = JSON.parse(readFileSync(this.file, 'utf8'));
  }

  /** The copy at hand, if the terminal ever received one. */
  get current(): OfflineCopy | null {
    return this.copy;
  }

  keep(copy: OfflineCopy): void {
    this.copy = copy;
    writeFileDurably(this.file, JSON.stringify(copy));
    // Meals in the new copy are counted there; the terminal's own later ones stay until they are.
    const inCopy = new Set(copy.elders.flatMap((elder) => elder.meals.map((meal) => meal.saleId)));
    for (const [elderId, meals] of this.laterMeals) {
      this.laterMeals.set(
        elderId,
        meals.filter((meal) => !inCopy.has(meal.saleId)),
      );
    }
  }

  decide(
    saleId: string,
    occurredAt: number,
    cardUid: string | null,
    items: readonly { readonly itemId: string; readonly qty: number }[],
    channel: 'dine-in' | 'delivery',
  ) {
    if (!this.copy)
      throw new CounterError(
        'no-offline-copy',
        503,
        '尚未同步资料，请联网后再试',
        'No data synced yet: connect once first',
      );
    try {
      return decideOffline(this.copy, { saleId, occurredAt, channel, cardUid, items }, this.laterMeals);
    } catch (error) {
      if (error instanceof DomainError) throw refusalAtCounter(error.code, 422, error.message);
      throw error;
    }
  }

  /** How a sale the service answered counts for caps offline; null without a copy to read rules from. */
  countedOfAnswer(
    saleId: string,
    businessDate: BusinessDate,
    answer: Parameters<typeof countedMealOfAnswer>[3],
  ): CountedMeal | null {
    return this.copy ? countedMealOfAnswer(this.copy, saleId, businessDate, answer) : null;
  }

  /** Caps offline also count what this terminal sold since its copy was made. */
  count(entry: OutboxEntry, counted?: CountedMeal | null): void {
    const elderId = entry.shown.elderId ?? this.elderOfCard(entry.body.cardUid ?? null);
    if (!elderId || entry.refusal || entry.void) return;
    const meal =
      entry.answer && this.copy
        ? countedMealOfAnswer(this.copy, entry.saleId, entry.shown.businessDate, entry.answer)
        : counted;
    if (!meal) return;
    const list = this.laterMeals.get(elderId) ?? [];
    if (!list.some((known) => known.saleId === meal.saleId)) list.push(meal);
    this.laterMeals.set(elderId, list);
  }

  elderOfCard(cardUid: string | null): string | null {
    if (!cardUid || !this.copy) return null;
    return this.copy.cards.find((card) => card.cardUid === cardUid)?.elderId ?? null;
  }

  /** Whether the service priced an item otherwise than the copy's menu: the copy is out of date. */
  menuDiffers(items: readonly { readonly itemId: string; readonly unitPriceFen: number }[]): boolean {
    const menu = this.copy?.canteen.menu ?? [];
    return items.some(
      (item) => menu.find((entry) => entry.itemId === item.itemId)?.priceFen !== item.unitPriceFen,
    );
  }
}
