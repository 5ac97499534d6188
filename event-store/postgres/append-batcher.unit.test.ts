import { describe, expect, it } from 'vitest';
import { Batcher } from './append-batcher.ts';

const options = { maxInFlight: 1, maxBatchWeight: 10, weigh: () => 1 };

describe('Batcher', () => {
  it('batches requests made in one turn, and those that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (requests) => {
      batches.push(requests);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return requests.map((n) => n * 10);
    }, options);
    const sameTurn = Promise.all([1, 2].map((n) => batcher.submit(n)));
    await nextTurn();
    const whileBusy = Promise.all([3, 4, 5].map((n) => batcher.submit(n)));
    expect(await sameTurn).toEqual([10, 20]);
    expect(await whileBusy).toEqual([30, 40, 50]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('answers each request on its own: one error does not fail its neighbours', async () => {
    const batcher = new Batcher<number, number>(
      async (requests) => requests.map((n) => (n === 2 ? new Error('two is refused') : n)),
      options,
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('retries a batch that failed as a whole one request at a time', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (requests) => {
        calls.push(requests);
        if (requests.length > 1) throw new Error('deadlock');
        if (requests[0] === 3) throw new Error('three is broken');
        return requests;
      },
      { ...options, maxInFlight: 1 },
    );
    const first = batcher.submit(0);
    await nextTurn();
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    await first;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(calls).toEqual([[0], [1, 2, 3], [1], [2], [3]]);
  });

  it('keeps a batch within its weight', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (requests) => {
        batches.push(requests);
        return requests;
      },
      { maxInFlight: 1, maxBatchWeight: 5, weigh: (n) => n },
    );
    await Promise.all([9, 2, 2, 2, 2].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[9], [2, 2], [2, 2]]);
  });
});

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
