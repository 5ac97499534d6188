import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

/** Simulated terminals, in a worker thread so that they do not share the service's event loop. */
export interface TerminalLoad {
  readonly url: string;
  readonly tokens: readonly string[];
  readonly cards: number;
  readonly seconds: number;
  /** Each terminal waits this long between sales (0: as fast as answers come). */
  readonly paceMs: number;
}

export interface TerminalLoadResult {
  readonly latencies: number[];
  readonly subsidised: number;
  readonly seconds: number;
}

async function run({ url, tokens, cards, seconds, paceMs }: TerminalLoad): Promise<TerminalLoadResult> {
  const latencies: number[] = [];
  let subsidised = 0;
  const until = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, terminal) => {
      // Counters are not in step: paced terminals start at random moments and vary their pauses.
      const pause = () => new Promise((resolve) => setTimeout(resolve, paceMs * (0.5 + Math.random())));
      if (paceMs > 0) await pause();
      for (let seq = 1; Date.now() < until; seq++) {
        const day = 1 + Math.floor(Math.random() * 28);
        const body = JSON.stringify({
          saleId: randomUUID(),
          terminalSeq: seq,
          occurredAt: `2026-10-${String(day).padStart(2, '0')}T12:${String(terminal % 60).padStart(2, '0')}:00+08:00`,
          channel: 'dine-in',
          cardUid: `BENCH${Math.floor(Math.random() * cards)}`,
          items: [{ itemId: 'set-a', qty: 1 }],
          payment: { method: 'qr' },
        });
        const sent = performance.now();
        const response = await fetch(`${url}/api/v1/sales`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const answer = (await response.json()) as { subsidyFen?: number };
        if (response.status !== 201)
          throw new Error(`sale answered ${response.status}: ${JSON.stringify(answer)}`);
        latencies.push(performance.now() - sent);
        if ((answer.subsidyFen ?? 0) > 0) subsidised++;
        if (paceMs > 0) await pause();
      }
    }),
  );
  return { latencies, subsidised, seconds: (performance.now() - started) / 1000 };
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as TerminalLoad).then(
    (result) => port.postMessage(result),
    (error: unknown) => {
      throw error;
    },
  );
}
