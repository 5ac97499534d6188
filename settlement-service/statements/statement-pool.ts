import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CanteenStatementInput } from './canteen-statement.ts';

type Answer = { index: number; bytes: Uint8Array } | { index: number; error: string };

/**
 * Renders many canteen statements at once, one worker thread per core: a statement is pure CPU
 * work (layout, font subset, compression), so one thread renders them no faster than one core.
 * Each worker renders the same bytes as `renderCanteenStatement`; the answers keep the inputs' order.
 */
export async function renderCanteenStatements(
  inputs: readonly CanteenStatementInput[],
  options: { readonly workers?: number } = {},
): Promise<Buffer[]> {
  if (inputs.length === 0) return [];
  const count = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), inputs.length));
  const workers = Array.from(
    { length: count },
    () => new Worker(new URL('./statement-worker.mjs', import.meta.url)),
  );
  const pdfs: Buffer[] = new Array(inputs.length);
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // One statement at a time per worker, so that a slow one never holds up the others.
            const send = () => {
              if (next >= inputs.length) return resolve();
              const index = next++;
              worker.postMessage({ index, input: inputs[index] });
            };
            worker.on('message', (answer: Answer) => {
              if ('error' in answer) return reject(new Error(`statement ${answer.index}: ${answer.error}`));
              pdfs[answer.index] = Buffer.from(
                answer.bytes.buffer,
                answer.bytes.byteOffset,
                answer.bytes.byteLength,
              );
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < inputs.length || code !== 0) reject(new Error(`statement worker exited (${code})`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return pdfs;
}
