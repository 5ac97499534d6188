import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ensureDatabaseExists } from '../../database/connect.ts';
import {
  COUNTER_CARDS,
  decidedAllowances,
  recordedSales,
  setUpCounterBureau,
} from '../../testkit/counter-bureau.ts';
import { type ServiceProcess, serviceProcess } from '../../testkit/service-process.ts';
import { type RestartablePostgres, restartablePostgres } from '../support/restartable-postgres.ts';

/** Where the database is while a request runs: `down-1` is the first outage. */
type Phase = `${'up' | 'down' | 'restarting'}-${number}`;

/** One request of a counter: what was sent, when, and what came back. */
interface Attempt {
  readonly body: ReturnType<typeof saleOf>;
  readonly startedIn: Phase;
  endedIn: Phase | null;
  status: number | 'no-answer' | null;
  contentType: string | null;
  retryAfter: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: an answer or a problem, asserted below
  answer: any;
  ms: number;
}

/** A client gives up on a request after this long: a hang, not an answer. */
const REQUEST_TIMEOUT_MS = 10_000;
/** While the database is away the service says so within this long. */
const ANSWER_WITHIN_MS = 5_000;
/** Successful sales before each outage and after each restart. */
const SALES_BETWEEN = 20;

let seq = 0;
function saleOf(cardUid: string | null) {
  seq += 1;
  return {
    saleId: randomUUID() as string,
    terminalSeq: seq,
    occurredAt: new Date().toISOString(),
    channel: 'dine-in',
    ...(cardUid ? { cardUid } : {}),
    items: [{ itemId: 'set-a', qty: 1 }],
    payment: { method: 'cash' },
  };
}

/**
 * PostgreSQL goes away (a restart for an upgrade, then a crash) while counters sell: the service
 * answers 503 problem+json at once instead of hanging or failing with a 500, `/health` says the store
 * is unavailable, and when the database is back the same service process carries on by itself.
 * Nothing it acknowledged is lost, and a sale sent again after an outage is recorded once.
 */
describe('PostgreSQL stopped and crashed under a running service', () => {
  let postgres: RestartablePostgres;
  let service: ServiceProcess;

  beforeAll(async () => {
    // Synchronous commit (the default): an acknowledged sale is in the WAL before the answer.
    postgres = await restartablePostgres({ fsync: 'off', full_page_writes: 'off' });
    await ensureDatabaseExists(postgres.connectionString(), 'zhucan');
    service = await serviceProcess(postgres.connectionString('zhucan'));
    await service.start();
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await postgres?.remove();
  });

  it('answers 503 while the database is down, recovers without a restart and loses no sale', async () => {
    const bureau = await setUpCounterBureau(service.url, service.adminToken);
    const post = async (pathname: string, body: unknown) => {
      const response = await fetch(`${service.url}${pathname}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bureau.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        answer: text ? JSON.parse(text) : undefined,
      };
    };
    const health = async () => {
      const response = await fetch(`${service.url}/health`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        // biome-ignore lint/suspicious/noExplicitAny: the health answer or a problem
        body: (await response.json()) as any,
      };
    };

    // Four counters selling, each one sale after another: the elders' cards, now and then a guest.
    let phase: Phase = 'up-0';
    let selling = true;
    const attempts: Attempt[] = [];
    const counter = async (lane: number) => {
      for (let n = 0; selling; n += 1) {
        const cardUid = n % 5 === 4 ? null : (COUNTER_CARDS[(lane + 4 * n) % COUNTER_CARDS.length] as string);
        const attempt: Attempt = {
          body: saleOf(cardUid),
          startedIn: phase,
          endedIn: null,
          status: null,
          contentType: null,
          retryAfter: null,
          answer: undefined,
          ms: 0,
        };
        attempts.push(attempt);
        const started = performance.now();
        try {
          Object.assign(attempt, await post('/api/v1/sales', attempt.body));
        } catch {
          attempt.status = 'no-answer';
        }
        attempt.ms = performance.now() - started;
        attempt.endedIn = phase;
        await sleep(10); // a counter's pace, not a synchronisation
      }
    };
    const counters = Promise.all([0, 1, 2, 3].map(counter));
    const answered = (filter: (attempt: Attempt) => boolean) =>
      attempts.filter((attempt) => attempt.endedIn !== null && filter(attempt)).length;
    const ok = (attempt: Attempt) => attempt.status === 200 || attempt.status === 201;
    const within = (name: Phase) => (attempt: Attempt) =>
      attempt.startedIn === name && attempt.endedIn === name;

    const outages = [
      { name: 'fast shutdown', takeAway: () => postgres.stop() },
      { name: 'crash (immediate shutdown)', takeAway: () => postgres.crash() },
    ];
    try {
      await expect.poll(() => answered(ok), { timeout: 30_000 }).toBeGreaterThanOrEqual(SALES_BETWEEN);
      for (const [index, outage] of outages.entries()) {
        const number = index + 1;
        await outage.takeAway();
        phase = `down-${number}`;
        await expect
          .poll(() => answered(within(phase)), { timeout: 30_000, message: outage.name })
          .toBeGreaterThanOrEqual(SALES_BETWEEN);
        const down = await health();
        expect(down, outage.name).toMatchObject({
          status: 503,
          contentType: expect.stringMatching(/^application\/problem\+json/),
          body: { status: 503, code: 'unavailable' },
        });
        expect(Number(down.retryAfter)).toBeGreaterThan(0);
        // A terminal syncing its queue has the whole batch refused, to be sent again.
        const batch = await post('/api/v1/sales/batch', { sales: [saleOf(COUNTER_CARDS[0] as string)] });
        expect(batch, outage.name).toMatchObject({ status: 503, answer: { code: 'unavailable' } });

        phase = `restarting-${number}`;
        await postgres.start();
        phase = `up-${number}`;
        // Recovered by itself: the same service process records sales again.
        const recordedAgain = (attempt: Attempt) => attempt.startedIn === `up-${number}` && ok(attempt);
        await expect
          .poll(() => answered(recordedAgain), { timeout: 30_000, message: outage.name })
          .toBeGreaterThanOrEqual(SALES_BETWEEN);
      }
    } finally {
      selling = false;
      await counters;
    }

    // During an outage every sale was refused at once as unavailable, to be sent again later.
    for (const number of outages.keys()) {
      const refused = attempts.filter(within(`down-${number + 1}`));
      expect(refused.length).toBeGreaterThanOrEqual(SALES_BETWEEN);
      for (const attempt of refused) {
        expect(attempt, JSON.stringify(attempt)).toMatchObject({
          status: 503,
          contentType: expect.stringMatching(/^application\/problem\+json/),
          answer: { status: 503, code: 'unavailable' },
        });
        expect(Number(attempt.retryAfter)).toBeGreaterThan(0);
        expect(attempt.ms).toBeLessThan(ANSWER_WITHIN_MS);
      }
    }
    // At any moment, the moments the database went and came included: recorded, or unavailable.
    const statuses = new Set(attempts.map((attempt) => attempt.status));
    expect([...statuses].filter((status) => status !== 200 && status !== 201 && status !== 503)).toEqual([]);
    expect(service.output().match(/listening on/g)).toHaveLength(1);

    expect((await health()).status).toBe(200);
    // The read models' runner resumed too: it catches up with every sale.
    await expect
      .poll(async () => (await health()).body.projections, { timeout: 30_000 })
      .toSatisfy((projections: { state: string; eventsBehind: number }[]) =>
        projections.every((projection) => projection.state === 'running' && projection.eventsBehind === 0),
      );

    // The counters send again, under the same sale ids, every sale they have no answer for.
    for (const attempt of attempts.filter((one) => !ok(one))) {
      const again = await post('/api/v1/sales', attempt.body);
      expect([200, 201], JSON.stringify(again)).toContain(again.status);
      attempt.status = again.status;
      attempt.answer = again.answer;
    }
    // A sale answered before an outage is answered the same when sent again after it.
    for (const attempt of attempts.filter(within('up-0')).slice(-20)) {
      const again = await post('/api/v1/sales', attempt.body);
      expect(again).toMatchObject({ status: 200, answer: attempt.answer });
    }

    // The store holds every sale exactly once, as answered, and no elder's day allowance twice.
    const { pool, db } = connect(postgres.connectionString('zhucan'), 2);
    try {
      const recorded = await recordedSales(pool, bureau.terminalId);
      const ids = recorded.map((sale) => sale.saleId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(attempts.map((attempt) => attempt.body.saleId)));
      const answers = new Map(attempts.map((attempt) => [attempt.body.saleId, attempt.answer]));
      for (const sale of recorded) {
        expect(sale.subsidyFen, sale.saleId).toBe(answers.get(sale.saleId)?.subsidyFen);
      }
      const decisions = await decidedAllowances(pool, bureau.terminalId);
      const decided = decisions.map((decision) => decision.saleId);
      expect(new Set(decided).size).toBe(decided.length);
      expect(new Set(decided)).toEqual(
        new Set(recorded.filter((sale) => sale.cardUid !== null).map((sale) => sale.saleId)),
      );
      const subsidised = new Map<string, number>();
      for (const decision of decisions.filter((one) => one.reimbursedFen > 0)) {
        const key = `${decision.elderId} ${decision.businessDate}`;
        subsidised.set(key, (subsidised.get(key) ?? 0) + 1);
      }
      expect(subsidised.size).toBeGreaterThan(0);
      expect([...subsidised.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
