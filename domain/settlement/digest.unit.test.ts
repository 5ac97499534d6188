import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventLeaf, firstDifference, leafTrail, MerkleAccumulator, merkleRoot } from './digest.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the digest of a canteen-month', () => {
  it('is a hash tree: pairs are hashed, an odd node moves up', () => {
    const [a, b, c] = [sha('a'), sha('b'), sha('c')];
    expect(merkleRoot([a])).toBe(a);
    expect(merkleRoot([a, b, c])).toBe(sha(sha(a + b) + c));
    expect(merkleRoot([])).toBe(sha(''));
  });

  it('gives an event the same leaf whatever its key order, and another leaf when anything changes', () => {
    const event = { id: 'e1', stream: 'sale-1', revision: 0, type: 'MealSold', data: { a: 1, b: [1, 2] } };
    expect(eventLeaf(event)).toBe(eventLeaf({ ...event, data: { b: [1, 2], a: 1 } }));
    expect(eventLeaf(event)).not.toBe(eventLeaf({ ...event, data: { a: 2, b: [1, 2] } }));
    expect(eventLeaf(event)).not.toBe(eventLeaf({ ...event, revision: 1 }));
  });

  it('points at the first leaf that differs from a recorded trail, including a missing or extra one', () => {
    const leaves = [sha('a'), sha('b'), sha('c')];
    const trail = leafTrail(leaves);
    expect(firstDifference(trail, leaves)).toBeNull();
    expect(firstDifference(trail, [leaves[0] as string, sha('x'), leaves[2] as string])).toBe(1);
    expect(firstDifference(trail, leaves.slice(0, 2))).toBe(2);
    expect(firstDifference(trail, [...leaves, sha('d')])).toBe(3);
  });

  it('keeps the same root as leaves are appended one by one, whatever their number', () => {
    const accumulator = new MerkleAccumulator();
    const leaves: string[] = [];
    expect(accumulator.root()).toBe(merkleRoot(leaves));
    for (let n = 0; n < 300; n++) {
      const leaf = sha(`leaf ${n}`);
      accumulator.append(leaf);
      leaves.push(leaf);
      expect(accumulator.root(), `${leaves.length} leaves`).toBe(merkleRoot(leaves));
    }
  });
});
