import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanteenFacts, ElderFacts } from '../../domain/policy/meal-facts.ts';
import { monthKeyOf } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { idNumber } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { rebuildProjection } from '../runner/rebuild.ts';
import { decisionInputsProjection } from './decision-inputs.projection.ts';
import { changesWithInputs, decisionFactsOf, type IndexedDecisionInputs } from './decision-inputs-queries.ts';

/**
 * Each sale's decision inputs are the facts as the service knew them when it decided the sale, taken
 * at the sale's time: a move, a replaced card and a canteen's new hours change the facts of the sales
 * after them, not before, and a rebuild from the events gives the same inputs.
 */
describe('the decision-inputs read model', () => {
  let service: TestService;
  let token: string;
  const sales: Record<string, string> = {};

  const admin = async (method: string, path: string, body?: unknown) => {
    const answer = await service.call(method, path, service.adminToken, body);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    return answer.body;
  };
  const sell = async (name: string, occurredAt: string, cardUid: string | null) => {
    const saleId = randomUUID();
    const answer = await service.call('POST', '/api/v1/sales', token, {
      saleId,
      terminalSeq: Object.keys(sales).length + 1,
      occurredAt,
      channel: 'delivery',
      ...(cardUid ? { cardUid } : {}),
      items: [{ itemId: 'set', qty: 2 }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    sales[name] = saleId;
  };
  const canteen = (lunch: { from: string; to: string }, from?: string) => ({
    name: '荔城街食堂',
    district: '增城区',
    town: '荔城街',
    periods: { lunch },
    menu: [{ itemId: 'set', name: '套餐', priceFen: 900 }],
    ...(from ? { from } : {}),
  });
  const elder = (district: string, town: string, from?: string) => ({
    name: '陈桂芳',
    idNumber: idNumber('1944-05-10', '123', '440118'),
    district,
    town,
    homeCanteenId: 'lc',
    categories: [{ category: 'dibao', from: '2020-01-01' }],
    ...(from ? { from } : {}),
  });

  beforeAll(async () => {
    service = await startTestService();
    await admin('PUT', '/api/v1/canteens/lc', canteen({ from: '11:00', to: '13:30' }));
    token = (await admin('PUT', '/api/v1/terminals/lc-1', { canteenId: 'lc' })).token;
    await admin('PUT', '/api/v1/elders/e1', elder('增城区', '荔城街'));
    await admin('POST', '/api/v1/elders/e1/cards', { cardUid: 'OLD' });
    await sell('before', '2026-10-05T12:00:00+08:00', 'OLD');
    await sell('guest', '2026-10-05T12:10:00+08:00', null);
    // Moves to another district from 10 October; lunch starts at 11:30 from 12 October.
    await admin('PUT', '/api/v1/elders/e1', elder('天河区', '石牌街', '2026-10-10T00:00:00+08:00'));
    await admin(
      'PUT',
      '/api/v1/canteens/lc',
      canteen({ from: '11:30', to: '13:30' }, '2026-10-12T00:00:00+08:00'),
    );
    await sell('early-after-move', '2026-10-06T12:00:00+08:00', 'OLD');
    await sell('after-move', '2026-10-11T12:00:00+08:00', 'OLD');
    // The card is replaced (from now): the old one, tapped after, had been retired by the sale's time.
    await admin('POST', '/api/v1/elders/e1/cards', { cardUid: 'NEW' });
    await sell('old-card', new Date().toISOString(), 'OLD');
    await service.projections.catchUp();
  }, 120_000);
  afterAll(async () => {
    await service?.close();
  });

  async function inputs() {
    // Every sale's inputs, as a simulation of its month reads them.
    const indexed = new Map<string, IndexedDecisionInputs>();
    const head = await service.store.headPosition();
    for (const month of ['2026-10', monthKeyOf(businessDateOf(Date.now()))])
      for await (const page of changesWithInputs(service.database.db, month, head))
        for (const { change, inputs } of page)
          if (change.kind === 'sold' && inputs !== null) indexed.set(change.sale.saleId, inputs);
    const facts = await decisionFactsOf(
      service.database.db,
      [...indexed.values()].flatMap((input) => [
        input.canteenFacts,
        ...(input.elderFacts ? [input.elderFacts] : []),
      ]),
    );
    return Object.fromEntries(
      Object.entries(sales).map(([name, saleId]) => {
        const input = indexed.get(saleId);
        return [
          name,
          input && {
            occurredAt: input.occurredAt,
            channel: input.channel,
            priceFen: input.priceFen,
            canteen: facts.get(input.canteenFacts) as CanteenFacts,
            elder: input.elderFacts === null ? null : (facts.get(input.elderFacts) as ElderFacts),
          },
        ];
      }),
    );
  }

  it('keeps each sale’s time, channel, price and the facts at its time', async () => {
    const found = await inputs();
    expect(found.before).toMatchObject({ channel: 'delivery', priceFen: 1800 });
    expect(found.before?.occurredAt).toBe(Date.parse('2026-10-05T12:00:00+08:00'));
    expect(found.before?.elder).toMatchObject({
      elderId: 'e1',
      birthDate: '1944-05-10',
      district: '增城区',
      town: '荔城街',
      homeCanteenId: 'lc',
      categories: [{ category: 'dibao', from: '2020-01-01', to: null }],
      cardRetiredBeforeSale: false,
    });
    expect(found.guest?.elder).toBeNull();
    // Decided after the move was recorded, but at a time before it took effect: the old district.
    expect(found['early-after-move']?.elder).toMatchObject({
      district: '增城区',
      cardRetiredBeforeSale: false,
    });
    expect(found['after-move']?.elder).toMatchObject({ district: '天河区', town: '石牌街' });
    expect(found['old-card']?.elder).toMatchObject({ elderId: 'e1', cardRetiredBeforeSale: true });
    expect(found.before?.canteen).toMatchObject({
      district: '增城区',
      periods: { lunch: { from: '11:00' } },
    });
    expect(found['old-card']?.canteen.periods).toEqual({ lunch: { from: '11:30', to: '13:30' } });
    expect(found['after-move']?.canteen.periods).toEqual({ lunch: { from: '11:00', to: '13:30' } });
    // Only what a decision reads: no name, no ID number.
    expect(JSON.stringify(found)).not.toContain('陈');
  });

  it('gives the same inputs when rebuilt from the events', async () => {
    const live = await inputs();
    await rebuildProjection(service.store, service.database.db, decisionInputsProjection);
    expect(await inputs()).toEqual(live);
  });
});
