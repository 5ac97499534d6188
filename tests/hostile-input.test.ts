import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleStream } from '../domain/sales/sale.ts';
import { type Bureau, saleBody, setUpBureau } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Something near a valid value, or anything at all: how bad clients and attackers fill a field. */
const near = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.constantFrom(null, '', -1, 0, 1.5, 2 ** 53, '12:00', 'NaN', [], {}) },
  );

/** A valid sale with some of its fields replaced: near the valid ones, so that both sides are reached. */
const saleMutations = fc.record(
  {
    saleId: near(fc.uuid({ version: 4 })),
    terminalSeq: near(fc.integer({ min: 0, max: 10_000 })),
    occurredAt: near(
      fc.constantFrom('2026-10-08T12:00:00+08:00', '2026-10-08T12:00:00', '2126-01-01T00:00:00Z'),
    ),
    channel: near(fc.constantFrom('dine-in', 'delivery', 'takeaway')),
    cardUid: near(fc.constantFrom('K80', 'K65', 'NOPE', 'x'.repeat(100))),
    items: near(
      fc.array(
        fc.record({
          itemId: near(fc.constantFrom('set-a', 'soup', 'caviar')),
          qty: near(fc.integer({ min: -2, max: 200 })),
        }),
        {
          maxLength: 3,
        },
      ),
    ),
    payment: near(fc.record({ method: fc.string() })),
    offline: near(fc.constant(true)),
    appliedSubsidyFen: near(fc.integer({ min: -100, max: 5000 })),
    sentAt: near(fc.constant('2026-10-20T12:01:00+08:00')),
  },
  { requiredKeys: [] },
);
const saleBodies = fc.tuple(fc.uuid({ version: 4 }), saleMutations).map(([saleId, mutations]) => ({
  ...saleBody({ saleId, occurredAt: '2026-10-08T12:00:00+08:00' }),
  ...mutations,
}));

const policyDocuments = fc.record(
  {
    policyId: near(fc.constantFrom('fuzz-a', 'fuzz-b', '')),
    name: near(fc.string()),
    effectiveFrom: near(fc.constantFrom('2030-01-01', '2030-02-30', '2030-1-1')),
    effectiveTo: near(fc.constantFrom(null, '2029-01-01', '2031-01-01')),
    scope: near(fc.constantFrom('citywide', 'home-district', 'galaxy')),
    offlineExcess: near(fc.constantFrom('canteen-bears', 'elder-owes')),
    rules: near(
      fc.array(
        fc.record({
          ruleId: near(fc.constantFrom('r1', 'r2')),
          benefit: near(
            fc.oneof(
              fc.record({ kind: fc.constant('fixed'), fen: near(fc.integer({ min: -5, max: 1000 })) }),
              fc.record({ kind: fc.constant('percentOff'), bp: near(fc.integer({ min: -5, max: 20_000 })) }),
              fc.record({ kind: fc.constant('payAtMost'), fen: near(fc.integer()) }),
            ),
          ),
          funding: near(
            fc.array(
              fc.record({
                source: fc.constantFrom('city', 'district'),
                shareBp: near(fc.integer({ min: 0, max: 10_000 })),
              }),
              { maxLength: 3 },
            ),
          ),
          eligible: near(fc.record({ minAge: near(fc.integer({ min: -1, max: 130 })) })),
        }),
        { maxLength: 2 },
      ),
    ),
    caps: near(
      fc.array(fc.record({ per: near(fc.constantFrom('day', 'week', 'year')), max: near(fc.integer()) }), {
        maxLength: 2,
      }),
    ),
  },
  { requiredKeys: [] },
);

/**
 * Whatever a client sends, the service answers 2xx or a 4xx problem with a stable code, never a 500,
 * and a refused request leaves the event store as it was.
 */
describe('hostile input (property-based, real HTTP, real PostgreSQL)', () => {
  let service: TestService;
  let tokens: Bureau['tokens'];
  beforeAll(async () => {
    service = await startTestService({ now: () => Date.parse('2026-10-20T12:00:00+08:00') });
    tokens = (await setUpBureau(service)).tokens;
  });
  afterAll(() => service?.close());

  const checkAnswer = async (path: string, token: string, body: unknown, method = 'POST') => {
    const before = await service.eventCount();
    const answer = await service.call(method, path, token, body);
    expect(answer.status, JSON.stringify({ body, answer })).toBeLessThan(500);
    if (answer.status >= 400) {
      expect(answer.body).toMatchObject({
        status: answer.status,
        code: expect.any(String),
        title: expect.any(String),
      });
      expect(await service.eventCount()).toBe(before);
    }
    return answer;
  };

  it('answers any sale body with 2xx or a 4xx problem, and a refused one writes nothing', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(saleBodies, async (body) => {
        statuses.add((await checkAnswer('/api/v1/sales', tokens.t1, body)).status);
      }),
      { numRuns: 150 },
    );
    expect([...statuses].some((status) => status >= 400)).toBe(true);
  });

  it('answers any batch of sale bodies with 200 and a result per sale, never a 500', async () => {
    const outcomes = new Set<string>();
    /** The events recorded for a sale id (only a UUID can name a recorded sale). */
    const recordedTypes = async (saleId: unknown) =>
      typeof saleId === 'string' && UUID.test(saleId)
        ? (await service.store.readStream(saleStream(saleId))).map((event) => event.type)
        : [];
    await fc.assert(
      fc.asyncProperty(fc.array(saleBodies, { minLength: 1, maxLength: 5 }), async (generated) => {
        // One well-formed guest sale among the generated ones: it is recorded whatever its neighbours are.
        const wellFormed = saleBody({ cardUid: undefined, occurredAt: '2026-10-19T12:00:00+08:00' });
        const sales: Record<string, unknown>[] = [...generated, wellFormed];
        // Generated ids repeat now and then (fast-check favours small values): what each held before.
        const before = new Map<unknown, string[]>();
        for (const sale of sales) before.set(sale.saleId, await recordedTypes(sale.saleId));
        const answer = await checkAnswer('/api/v1/sales/batch', tokens.t2, { sales });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const results = answer.body.results as {
          saleId: string | null;
          status: number;
          sale?: { saleId?: unknown };
          problem?: unknown;
        }[];
        expect(results).toHaveLength(sales.length);
        for (const [index, result] of results.entries()) {
          const sent = sales[index]?.saleId;
          const about = JSON.stringify({ sent: sales[index], result });
          // Each result answers the sale in its place, by the id it was sent with.
          expect(result.saleId, about).toBe(typeof sent === 'string' ? sent : null);
          if (result.status < 300) {
            // Recorded now (201), or a repeat of a recorded sale (200): either way its sale is in the store.
            expect([200, 201], about).toContain(result.status);
            expect(result.sale, about).toMatchObject({ saleId: sent });
            if (result.status === 201) expect(before.get(sent), about).toEqual([]);
            expect(await recordedTypes(sent), about).toContain('MealSold');
          } else {
            // Refused on its own, as a single request would be, and nothing written for it.
            expect(result.status, about).toBeGreaterThanOrEqual(400);
            expect(result.status, about).toBeLessThan(500);
            expect(result.problem, about).toMatchObject({ status: result.status, code: expect.any(String) });
            const recordedBeside = results.some(
              (other, at) => at !== index && other.saleId === result.saleId && other.status < 300,
            );
            if (!recordedBeside) expect(await recordedTypes(sent), about).toEqual(before.get(sent));
          }
          outcomes.add(result.status < 300 ? 'recorded' : 'refused');
        }
        // The well-formed sale was recorded now, beside whatever its neighbours were.
        expect(results.at(-1), JSON.stringify(results)).toMatchObject({
          saleId: wellFormed.saleId,
          status: 201,
        });
      }),
      { numRuns: 40 },
    );
    // Both kinds of answer were met: the property was not passed by refusing every sale.
    expect(outcomes).toEqual(new Set(['recorded', 'refused']));
  });

  it('answers any policy document with 2xx or a 4xx problem naming the field, and a refused one writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(policyDocuments, async (document) => {
        const id = typeof document.policyId === 'string' && document.policyId ? document.policyId : 'fuzz-x';
        const answer = await checkAnswer(`/api/v1/policies/${id}`, service.adminToken, document, 'PUT');
        if (answer.status === 400) expect(answer.body.errors?.[0]?.path).toEqual(expect.any(String));
      }),
      { numRuns: 150 },
    );
  });

  it('still sells normally afterwards', async () => {
    const answer = await service.call(
      'POST',
      '/api/v1/sales/quote',
      tokens.t1,
      saleBody({ occurredAt: '2026-10-19T12:00:00+08:00' }),
    );
    expect(answer).toMatchObject({ status: 200, body: { status: 'quoted', totalFen: 1200 } });
  });
});
