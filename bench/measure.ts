/** Runs `work` from `writers` concurrent loops for `seconds` and returns operations per second. */
export async function throughput(
  writers: number,
  seconds: number,
  makeWriter: () => () => Promise<number>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  const started = performance.now();
  let operations = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const step = makeWriter();
      while (Date.now() < until) {
        // Not `operations += await step()`: that reads the total before awaiting and loses the other writers' counts.
        const done = await step();
        operations += done;
      }
    }),
  );
  return operations / ((performance.now() - started) / 1000);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
