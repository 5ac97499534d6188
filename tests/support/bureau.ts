import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { idNumber } from '../../testkit/id-numbers.ts';
import type { TestService } from './service.ts';

export { idNumber };

/** Tianjin-like: 80+ get 300 fen a meal at lunch or dinner, split 60/40 (the district part local), once a day. */
export const TEST_POLICY = {
  policyId: 'test-2026',
  name: '测试政策',
  effectiveFrom: '2026-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      stackGroup: 'base',
      funding: [
        { source: 'city-welfare-lottery', shareBp: 6000 },
        { source: 'district-finance', shareBp: 4000, locality: 'district' },
      ],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
};

export const MENU = [
  { itemId: 'set-a', name: '套餐A', priceFen: 1200 },
  { itemId: 'soup', name: '例汤', priceFen: 200 },
];

export interface Bureau {
  /** Terminal tokens: t1 and t2 at canteen c1 (西城区), t3 at canteen c2 (东城区). */
  readonly tokens: { readonly t1: string; readonly t2: string; readonly t3: string };
}

/** Registers a policy, two canteens, elders e80 (80+, card K80) and e65 (65, card K65), and three terminals. */
export async function setUpBureau(service: Pick<TestService, 'call' | 'adminToken'>): Promise<Bureau> {
  const admin = (method: string, path: string, body: unknown) =>
    service.call(method, path, service.adminToken, body);
  const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await pending;
    expect(status, JSON.stringify(body)).toBeLessThan(300);
    return body as Record<string, string>;
  };
  await ok(admin('PUT', '/api/v1/policies/test-2026', TEST_POLICY));
  const canteen = (district: string) => ({
    name: `${district}食堂`,
    district,
    town: '一街道',
    periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
    menu: MENU,
  });
  await ok(admin('PUT', '/api/v1/canteens/c1', canteen('西城区')));
  await ok(admin('PUT', '/api/v1/canteens/c2', canteen('东城区')));
  const elder = (birth: string, sequence: string) => ({
    name: '张三明',
    idNumber: idNumber(birth, sequence),
    district: '西城区',
    town: '一街道',
    categories: [],
  });
  await ok(admin('PUT', '/api/v1/elders/e80', elder('1940-03-15', '123')));
  await ok(admin('PUT', '/api/v1/elders/e65', elder('1961-05-01', '245')));
  await ok(admin('POST', '/api/v1/elders/e80/cards', { cardUid: 'K80' }));
  await ok(admin('POST', '/api/v1/elders/e65/cards', { cardUid: 'K65' }));
  const t1 = await ok(admin('PUT', '/api/v1/terminals/t1', { canteenId: 'c1' }));
  const t2 = await ok(admin('PUT', '/api/v1/terminals/t2', { canteenId: 'c1' }));
  const t3 = await ok(admin('PUT', '/api/v1/terminals/t3', { canteenId: 'c2' }));
  return { tokens: { t1: t1.token ?? '', t2: t2.token ?? '', t3: t3.token ?? '' } };
}

export const LUNCH = '2026-10-08T12:00:00+08:00';

export function saleBody(overrides: Record<string, unknown> = {}) {
  return {
    saleId: randomUUID(),
    terminalSeq: 1,
    occurredAt: LUNCH,
    channel: 'dine-in',
    cardUid: 'K80',
    items: [{ itemId: 'set-a', qty: 1 }],
    payment: { method: 'cash' },
    ...overrides,
  };
}

/**
 * Sells `count` meals through the API, a few at a time, on days and periods spread over October
 * (so that some are subsidised and some meet the cap), voiding every seventh. Answers the sale ids.
 */
export async function sellMany(
  service: Pick<TestService, 'call'>,
  tokens: Bureau['tokens'],
  count: number,
  startAt = 0,
): Promise<{ sold: string[]; voided: string[] }> {
  const sold: string[] = [];
  const voided: string[] = [];
  const terminals = [tokens.t1, tokens.t2, tokens.t3];
  for (let first = startAt; first < startAt + count; first += 8) {
    const batch = Array.from({ length: Math.min(8, startAt + count - first) }, (_, offset) => first + offset);
    await Promise.all(
      batch.map(async (n) => {
        const token = terminals[n % 3] as string;
        const day = String(1 + (n % 28)).padStart(2, '0');
        const time = n % 2 === 0 ? '12:00' : '17:30';
        const body = saleBody({
          terminalSeq: n + 1,
          occurredAt: `2026-10-${day}T${time}:00+08:00`,
          ...(n % 5 === 4 ? { cardUid: undefined } : n % 3 === 1 ? { cardUid: 'K65' } : {}),
        });
        const answer = await service.call('POST', '/api/v1/sales', token, body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        sold.push(body.saleId);
        if (n % 7 === 6) {
          const voiding = await service.call('POST', `/api/v1/sales/${body.saleId}/void`, token, {
            reason: '测试',
          });
          expect(voiding.status).toBe(200);
          voided.push(body.saleId);
        }
      }),
    );
  }
  return { sold, voided };
}
