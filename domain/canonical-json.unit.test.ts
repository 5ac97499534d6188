import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

/** What canonicalJson has always meant: JSON.stringify over a copy with every object's keys sorted. */
function sortedCopyJson(value: unknown): string {
  const sortKeys = (inner: unknown): unknown => {
    if (Array.isArray(inner)) return inner.map(sortKeys);
    if (inner && typeof inner === 'object') {
      return Object.fromEntries(
        Object.keys(inner)
          .sort()
          .map((key) => [key, sortKeys((inner as Record<string, unknown>)[key])]),
      );
    }
    return inner;
  };
  return JSON.stringify(sortKeys(value));
}

describe('canonicalJson', () => {
  it('gives equal text for equal documents whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }),
    );
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('writes exactly the JSON of the key-sorted copy, digests depend on it', () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('0', '1', '2', '10', '9', '01', '-1', '4294967295', 'a'),
    );
    const value = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('json')),
        fc.dictionary(key, tie('json')),
      ),
    })).json;
    fc.assert(
      fc.property(value, (document) => {
        expect(canonicalJson(document)).toBe(sortedCopyJson(document));
      }),
      { numRuns: 2000 },
    );
    const special = { b: new Date(0), a: [undefined, () => 1], 10: 'x', 9: -0, c: Number.NaN };
    expect(canonicalJson(special)).toBe(sortedCopyJson(special));
  });
});
