import type { SettledSale } from './settlement-types.ts';

/**
 * Only what settlement reads of a sale: a month of sales is held in memory until it is settled. The
 * values that repeat from sale to sale (canteens, dates, elders, the same subsidy lines) are held
 * once, so that what a sale keeps is little more than its id: a million sales of small objects each
 * would be collected over and over while the month is read.
 */
export class SaleKeeper {
  private readonly strings = new Map<string, string>();
  private readonly shapes = new Map<string, readonly unknown[]>();

  keep(sale: SettledSale): SettledSale {
    return {
      saleId: sale.saleId,
      canteenId: this.string(sale.canteenId),
      businessDate: this.string(sale.businessDate),
      elderId: sale.elderId === null ? null : this.string(sale.elderId),
      subsidyFen: sale.subsidyFen,
      lines: this.shared(sale.lines),
      excluded: this.shared(sale.excluded),
    };
  }

  /** An equal array kept before, or this one (arrays read by settlement are never changed). */
  shared<T>(values: readonly T[]): readonly T[] {
    if (values.length === 0) return NONE as readonly T[];
    const key = JSON.stringify(values);
    const known = this.shapes.get(key);
    if (known !== undefined) return known as readonly T[];
    this.shapes.set(key, values);
    return values;
  }

  private string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }
}

const NONE: readonly never[] = Object.freeze([]);
