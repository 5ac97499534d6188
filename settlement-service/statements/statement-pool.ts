import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CanteenStatementInput } from './canteen-statement.ts';

type Answer = { index: number; bytes: Uint8Array } | { index: number; error: string };

/**
 * Worker threads that render canteen statements, one per core: a statement is pure CPU work (layout,
 * font subset, compression), so one thread renders them no faster than one core. Each worker renders
 * the same bytes as `renderCanteenStatement`. The workers start (load the code, parse the font) when
 * the pool is made, so a pool made before a month is closed is ready when its figures are.
 */
export class StatementPool {
  private readonly workers: Worker[];
  private busy = false;
  /** A worker that failed while idle: the pool cannot render any more. */
  private failure: Error | null = null;

  constructor(options: { readonly workers?: number } = {}) {
    const count = Math.max(1, options.workers ?? os.availableParallelism());
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(new URL('./statement-worker.mjs', import.meta.url));
      // Idle workers must never keep the process alive, whoever forgets to close the pool.
      worker.unref();
      worker.on('error', (error: Error) => {
        this.failure ??= error;
      });
      return worker;
    });
  }

  /** Renders the statements, one at a time per worker; the answers keep the inputs' order. */
  async render(inputs: readonly CanteenStatementInput[]): Promise<Buffer[]> {
    if (this.busy) throw new Error('the statement pool is rendering already');
    if (this.failure) throw this.failure;
    this.busy = true;
    const pdfs: Buffer[] = new Array(inputs.length);
    let next = 0;
    const cleanups: (() => void)[] = [];
    try {
      await Promise.all(
        this.workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              // One statement at a time per worker, so that a slow one never holds up the others.
              const send = () => {
                if (next >= inputs.length) return resolve();
                const index = next++;
                worker.postMessage({ index, input: inputs[index] });
              };
              const onMessage = (answer: Answer) => {
                if ('error' in answer) return reject(new Error(`statement ${answer.index}: ${answer.error}`));
                pdfs[answer.index] = Buffer.from(
                  answer.bytes.buffer,
                  answer.bytes.byteOffset,
                  answer.bytes.byteLength,
                );
                send();
              };
              const onExit = (code: number) => reject(new Error(`statement worker exited (${code})`));
              worker.on('message', onMessage);
              worker.on('error', reject);
              worker.on('exit', onExit);
              // A rendering worker holds the process open until its statements are done.
              worker.ref();
              cleanups.push(() => {
                worker.off('message', onMessage);
                worker.off('error', reject);
                worker.off('exit', onExit);
                worker.unref();
              });
              send();
            }),
        ),
      );
    } finally {
      for (const cleanup of cleanups) cleanup();
      this.busy = false;
    }
    return pdfs;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Renders many canteen statements at once on a pool of its own, closed when they are done. */
export async function renderCanteenStatements(
  inputs: readonly CanteenStatementInput[],
  options: { readonly workers?: number } = {},
): Promise<Buffer[]> {
  if (inputs.length === 0) return [];
  const pool = new StatementPool({
    workers: Math.min(options.workers ?? os.availableParallelism(), inputs.length),
  });
  try {
    return await pool.render(inputs);
  } finally {
    await pool.close();
  }
}
