import { describe, expect, it } from 'vitest';
import { schemaVersionOf, upcast } from './event-schema.ts';

describe('event schema versions', () => {
  it('writes MealSold at version 2 and other events at version 1', () => {
    expect(schemaVersionOf('MealSold')).toBe(2);
    expect(schemaVersionOf('CardAssigned')).toBe(1);
  });

  it('gives a version-1 sale the notice it could not have had, and leaves current ones alone', () => {
    expect(upcast('MealSold', { saleId: 's' }, 1)).toEqual({ saleId: 's', notice: null });
    expect(upcast('MealSold', { saleId: 's', notice: { owedFen: 5 } }, 2)).toEqual({
      saleId: 's',
      notice: { owedFen: 5 },
    });
    expect(upcast('MealSubsidyDecided', { sale: { saleId: 's' } }, 1)).toEqual({
      sale: { saleId: 's', notice: null },
    });
    expect(upcast('CardAssigned', { cardUid: 'k' })).toEqual({ cardUid: 'k' });
  });

  it('refuses a version written by newer code', () => {
    expect(() => upcast('MealSold', {}, 3)).toThrow(/MealSold of schema version 3 is not readable here/);
  });
});
