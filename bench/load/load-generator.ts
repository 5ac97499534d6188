import { randomUUID } from 'node:crypto';

/**
 * The load benchmark's simulated counters, in a process of their own (started by load.bench.ts
 * with an IPC channel): each terminal sells at its pace, now and then loses its network for a
 * while (queueing its sales as offline sales and sending them in batches when it is back), repeats
 * some requests as a terminal does when an answer is lost, and voids some sales. It keeps its own
 * record of every sale id it made and what became of it, against which the store is counted.
 */
export interface LoadPlan {
  readonly url: string;
  readonly terminals: readonly { readonly token: string }[];
  readonly cards: readonly string[];
  readonly seconds: number;
  /** Mean pause between a terminal's sales. */
  readonly paceMs: number;
  /** The month the sales are timed in (an ended one, so that it can be closed at the end). */
  readonly month: { readonly year: number; readonly month: number; readonly days: number };
}

/** What the generator knows of a sale: bit flags. */
export const SENT = 1;
export const RECORDED = 2;
export const REFUSED = 4;
export const VOIDED = 8;

export interface LoadResult {
  readonly ids: string[];
  readonly flags: Uint8Array;
  /** Time of each new single sale (`POST /api/v1/sales` answered 201), ms. */
  readonly saleLatencies: number[];
  /** Time of each batch request, ms, and its size. */
  readonly batchLatencies: number[];
  readonly batchSizes: number[];
  readonly voidLatencies: number[];
  readonly seconds: number;
  readonly counts: LoadCounts;
  readonly refusals: Record<string, number>;
}

export interface LoadCounts {
  online: number;
  offline: number;
  outages: number;
  batches: number;
  /** Requests whose answer the terminal dropped on purpose (aborted in flight), then sent again. */
  abandoned: number;
  /** Answered requests sent again unchanged: each must answer 200, the first answer. */
  repeats: number;
  repeatMismatches: number;
  /** Answers 5xx or connection errors, each followed by the same request again. */
  failures: number;
  voids: number;
  subsidised: number;
}

/** How a terminal behaves: shares of its requests. */
const ABANDON_SHARE = 0.01;
const REPEAT_SHARE = 0.02;
const BATCH_REPEAT_SHARE = 0.1;
const VOID_SHARE = 0.03;
const GUEST_SHARE = 0.1;
const OUTAGE_CHANCE = 0.3;
const BATCH_SIZE = 200;

const pad = (value: number) => String(value).padStart(2, '0');
const between = (low: number, high: number) => low + Math.random() * (high - low);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function generateLoad(
  plan: LoadPlan,
  progress: (counts: LoadCounts, atMs: number) => void,
): Promise<LoadResult> {
  const ids: string[] = [];
  const index = new Map<string, number>();
  let flags = new Uint8Array(1 << 16);
  const mark = (saleId: string, flag: number) => {
    const at = index.get(saleId);
    if (at === undefined) throw new Error(`sale ${saleId} was not made here`);
    flags[at] = (flags[at] ?? 0) | flag;
  };
  const made = (saleId: string) => {
    index.set(saleId, ids.length);
    ids.push(saleId);
    if (ids.length > flags.length) {
      const grown = new Uint8Array(flags.length * 2);
      grown.set(flags);
      flags = grown;
    }
  };
  const saleLatencies: number[] = [];
  const batchLatencies: number[] = [];
  const batchSizes: number[] = [];
  const voidLatencies: number[] = [];
  const refusals: Record<string, number> = {};
  const counts: LoadCounts = {
    online: 0,
    offline: 0,
    outages: 0,
    batches: 0,
    abandoned: 0,
    repeats: 0,
    repeatMismatches: 0,
    failures: 0,
    voids: 0,
    subsidised: 0,
  };
  const refused = (saleId: string, code: string) => {
    mark(saleId, REFUSED);
    refusals[code] = (refusals[code] ?? 0) + 1;
  };
  const { year, month, days } = plan.month;
  /** Offline, a terminal applies the subsidy once per card and day, as its offline copy would. */
  const appliedOffline = new Set<string>();

  /** One request, sent again (unchanged) until it is answered below 500. */
  const call = async (
    token: string,
    path: string,
    body: string,
    abandonShare: number,
  ): Promise<{ status: number; answer: unknown; ms: number }> => {
    for (;;) {
      const controller = new AbortController();
      const abandon = Math.random() < abandonShare;
      const timer = abandon ? setTimeout(() => controller.abort(), between(0, 4)) : null;
      const sent = performance.now();
      try {
        const response = await fetch(`${plan.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
          signal: controller.signal,
        });
        const answer = await response.json();
        const ms = performance.now() - sent;
        if (timer) clearTimeout(timer);
        if (response.status < 500) return { status: response.status, answer, ms };
        counts.failures++;
      } catch {
        if (timer) clearTimeout(timer);
        if (controller.signal.aborted) counts.abandoned++;
        else counts.failures++;
      }
      await sleep(abandon ? 0 : 200);
    }
  };

  const voidSale = async (token: string, saleId: string) => {
    const { status, ms } = await call(token, `/api/v1/sales/${saleId}/void`, '{"reason":"退餐"}', 0);
    if (status !== 200) throw new Error(`void of ${saleId} answered ${status}`);
    voidLatencies.push(ms);
    mark(saleId, VOIDED);
    counts.voids++;
  };

  const saleOf = (terminal: number, seq: number, offline: boolean) => {
    const day = 1 + Math.floor(Math.random() * days);
    const lunch = Math.random() < 0.6;
    const minutes = lunch
      ? 11 * 60 + Math.floor(Math.random() * 150)
      : 17 * 60 + Math.floor(Math.random() * 120);
    const date = `${year}-${pad(month)}-${pad(day)}`;
    const card =
      Math.random() < GUEST_SHARE ? undefined : plan.cards[Math.floor(Math.random() * plan.cards.length)];
    const items =
      Math.random() < 0.3
        ? [
            { itemId: 'set-a', qty: 1 },
            { itemId: 'soup', qty: 1 },
          ]
        : [{ itemId: 'set-a', qty: 1 }];
    let applied: number | undefined;
    if (offline) {
      const key = `${card}|${date}`;
      applied = card !== undefined && !appliedOffline.has(key) ? 300 : 0;
      if (card !== undefined) appliedOffline.add(key);
    }
    return {
      saleId: randomUUID(),
      terminalSeq: seq,
      occurredAt: `${date}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:${pad(terminal % 60)}+08:00`,
      channel: 'dine-in',
      ...(card !== undefined ? { cardUid: card } : {}),
      items,
      payment: { method: Math.random() < 0.5 ? 'card' : 'qr' },
      ...(offline ? { offline: true, appliedSubsidyFen: applied } : {}),
    };
  };

  const sellOnline = async (token: string, sale: ReturnType<typeof saleOf>) => {
    const body = JSON.stringify(sale);
    made(sale.saleId);
    mark(sale.saleId, SENT);
    const first = await call(token, '/api/v1/sales', body, ABANDON_SHARE);
    if (first.status === 201) saleLatencies.push(first.ms);
    if (first.status !== 201 && first.status !== 200) {
      refused(sale.saleId, String((first.answer as { code?: string }).code ?? first.status));
      return;
    }
    mark(sale.saleId, RECORDED);
    counts.online++;
    const answer = first.answer as { subsidyFen?: number };
    if ((answer.subsidyFen ?? 0) > 0) counts.subsidised++;
    if (Math.random() < REPEAT_SHARE) {
      counts.repeats++;
      const again = await call(token, '/api/v1/sales', body, 0);
      if (again.status !== 200 || JSON.stringify(again.answer) !== JSON.stringify(first.answer)) {
        counts.repeatMismatches++;
      }
    }
    if (Math.random() < VOID_SHARE) await voidSale(token, sale.saleId);
  };

  /** A terminal back online sends its queue in order, in batches, then the voids it made offline. */
  const sync = async (token: string, queue: ReturnType<typeof saleOf>[], voids: string[]) => {
    for (let first = 0; first < queue.length; first += BATCH_SIZE) {
      const chunk = queue.slice(first, first + BATCH_SIZE);
      const body = JSON.stringify({ sales: chunk });
      for (const sale of chunk) mark(sale.saleId, SENT);
      const { status, answer, ms } = await call(token, '/api/v1/sales/batch', body, ABANDON_SHARE * 2);
      if (status !== 200) throw new Error(`batch answered ${status}: ${JSON.stringify(answer)}`);
      batchLatencies.push(ms);
      batchSizes.push(chunk.length);
      counts.batches++;
      const results = (
        answer as {
          results: {
            saleId: string;
            status: number;
            sale?: { subsidyFen: number };
            problem?: { code: string };
          }[];
        }
      ).results;
      for (const result of results) {
        if (result.status === 201 || result.status === 200) {
          mark(result.saleId, RECORDED);
          counts.offline++;
          if ((result.sale?.subsidyFen ?? 0) > 0) counts.subsidised++;
        } else refused(result.saleId, result.problem?.code ?? String(result.status));
      }
      if (Math.random() < BATCH_REPEAT_SHARE) {
        counts.repeats++;
        const again = await call(token, '/api/v1/sales/batch', body, 0);
        const repeated = (again.answer as { results?: { status: number }[] }).results ?? [];
        if (
          again.status !== 200 ||
          repeated.some(
            (result, at) => result.status !== (results[at]?.status === 201 ? 200 : results[at]?.status),
          )
        ) {
          counts.repeatMismatches++;
        }
      }
    }
    for (const saleId of voids) {
      if ((flags[index.get(saleId) ?? -1] ?? 0) & RECORDED) await voidSale(token, saleId);
    }
    queue.length = 0;
    voids.length = 0;
  };

  const seconds = plan.seconds;
  const started = performance.now();
  const until = Date.now() + seconds * 1000;
  const reporter = setInterval(() => progress({ ...counts }, performance.now() - started), 10_000);
  await Promise.all(
    plan.terminals.map(async ({ token }, terminal) => {
      const queue: ReturnType<typeof saleOf>[] = [];
      const offlineVoids: string[] = [];
      let offlineUntil = 0;
      let nextOutage = Date.now() + between(0.05, 0.2) * seconds * 1000;
      await sleep(Math.random() * plan.paceMs);
      for (let seq = 1; Date.now() < until; seq++) {
        const now = Date.now();
        if (offlineUntil === 0 && now >= nextOutage) {
          if (Math.random() < OUTAGE_CHANCE) {
            offlineUntil = now + Math.max(1000, between(0.05, 0.15) * seconds * 1000);
            counts.outages++;
          } else nextOutage = now + between(0.05, 0.2) * seconds * 1000;
        }
        if (offlineUntil !== 0 && now >= offlineUntil) {
          await sync(token, queue, offlineVoids);
          offlineUntil = 0;
          nextOutage = Date.now() + between(0.05, 0.2) * seconds * 1000;
        }
        if (offlineUntil !== 0) {
          const sale = saleOf(terminal, seq, true);
          made(sale.saleId);
          queue.push(sale);
          if (Math.random() < VOID_SHARE) offlineVoids.push(sale.saleId);
        } else {
          await sellOnline(token, saleOf(terminal, seq, false));
        }
        await sleep(plan.paceMs * between(0.5, 1.5));
      }
      // At the end every terminal is back online and sends what it queued.
      if (queue.length > 0) await sync(token, queue, offlineVoids);
    }),
  );
  clearInterval(reporter);
  return {
    ids,
    flags: flags.slice(0, ids.length),
    saleLatencies,
    batchLatencies,
    batchSizes,
    voidLatencies,
    seconds: (performance.now() - started) / 1000,
    counts,
    refusals,
  };
}

if (process.send) {
  const send = process.send.bind(process);
  process.once('message', (plan: LoadPlan) => {
    generateLoad(plan, (counts, at) => send({ type: 'progress', counts, at })).then(
      // Stays (idle) until the benchmark has measured it at the end and lets it go.
      (result) => send({ type: 'result', result }),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}
