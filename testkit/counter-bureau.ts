import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { hashPin } from '../domain/identity/pin-hash.ts';
import { type TerminalSettings, terminalSettingsSchema } from '../pos-terminal/settings.ts';
import { idNumber } from './id-numbers.ts';
import { callService } from './service-process.ts';

/** Cards of eight elders aged 80+, each allowed one subsidised meal (300 fen) a day. */
export const COUNTER_CARDS = Array.from({ length: 8 }, (_, index) => `K000000${index + 1}`);
export const CASHIER_PIN = '2468';
export const MANAGER_PIN = '9753';

/** 300 fen a meal for 80+ at lunch or dinner, once a day. */
export const COUNTER_POLICY = {
  policyId: 'counter-2026',
  name: '测试政策',
  effectiveFrom: '2020-01-01',
  scope: 'citywide',
  offlineExcess: 'canteen-bears',
  rules: [
    {
      ruleId: 'age-80',
      eligible: { minAge: 80 },
      periods: ['lunch', 'dinner'],
      benefit: { kind: 'fixed', fen: 300 },
      funding: [{ source: 'city-welfare-lottery', shareBp: 10000 }],
    },
  ],
  caps: [{ per: 'day', max: 1 }],
};

/** A canteen serving lunch and dinner around the clock, so that counter tests pass at any hour. */
export const COUNTER_CANTEEN = {
  name: '幸福食堂',
  district: '和平区',
  town: '一街道',
  periods: { lunch: { from: '00:00', to: '15:00' }, dinner: { from: '15:00', to: '23:59' } },
  menu: [
    { itemId: 'set-a', name: '荤素套餐', priceFen: 1200 },
    { itemId: 'noodles', name: '手擀面', priceFen: 800 },
    { itemId: 'soup', name: '例汤', priceFen: 200 },
  ],
};

/** Calls the service as the bureau admin; a refusal is an error. */
export function adminCaller(url: string, adminToken: string) {
  return async (method: string, pathname: string, body: unknown) => {
    const answer = await callService(url, method, pathname, adminToken, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${pathname}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
}

/** A bureau for counter tests: the policy and canteen above (`tc1`), eight elders, and one terminal. */
export async function setUpCounterBureau(url: string, adminToken: string, terminalId = 'counter-1') {
  const admin = adminCaller(url, adminToken);
  await admin('PUT', '/api/v1/policies/counter-2026', COUNTER_POLICY);
  await admin('PUT', '/api/v1/canteens/tc1', COUNTER_CANTEEN);
  for (const [index, cardUid] of COUNTER_CARDS.entries()) {
    const elderId = `E${index + 1}`;
    await admin('PUT', `/api/v1/elders/${elderId}`, {
      name: ['张三明', '李秀英', '王建国', '赵桂兰', '刘志强', '陈淑华', '杨德明', '黄凤兰'][index],
      idNumber: idNumber(`194${index}-03-15`, `${index + 1}23`),
      district: '和平区',
      town: '一街道',
      categories: [],
    });
    await admin('POST', `/api/v1/elders/${elderId}/cards`, { cardUid });
  }
  const { token } = await admin('PUT', `/api/v1/terminals/${terminalId}`, { canteenId: 'tc1' });
  return { token: token as string, terminalId };
}

/** Settings of a counter terminal for tests: fast sync, a printer on 127.0.0.1, a fresh data folder. */
export async function counterSettings(
  serviceUrl: string,
  token: string,
  terminalId: string,
  printer: { host: string; port: number },
): Promise<TerminalSettings & { token: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhucan-counter-'));
  return {
    ...terminalSettingsSchema.parse({
      terminalId,
      serviceUrl,
      token,
      port: 0,
      dataDir,
      cashiers: [
        { cashierId: 'cashier-01', name: '王丽', pinHash: hashPin(CASHIER_PIN) },
        { cashierId: 'manager-01', name: '李强', pinHash: hashPin(MANAGER_PIN), role: 'manager' },
      ],
      reader: { kind: 'keyboard' },
      printer: { kind: 'tcp', host: printer.host, port: printer.port },
      paperWidth: 58,
      requestTimeoutMs: 1500,
      syncIntervalMs: 300,
    }),
    token,
  };
}

/** The sales the service recorded from a terminal, straight from the event store. */
export async function recordedSales(pool: Pool, terminalId: string) {
  const { rows } = await pool.query<{
    data: {
      saleId: string;
      terminalSeq: number;
      subsidyFen: number;
      offline: boolean;
      cardUid: string | null;
      excluded: { reason: string; fen: number }[];
    };
  }>(
    `SELECT data FROM event_store.events WHERE event_type = 'MealSold' AND data->>'terminalId' = $1 ORDER BY position`,
    [terminalId],
  );
  return rows.map((row) => row.data);
}

/** The elders' allowance decisions for a terminal's sales: what the caps counted, per elder and day. */
export async function decidedAllowances(pool: Pool, terminalId: string) {
  const { rows } = await pool.query<{
    stream: string;
    data: { elderId: string; saleId: string; businessDate: string; lines: { fen: number }[] };
  }>(
    `SELECT stream_id AS stream, data FROM event_store.events
     WHERE event_type = 'MealSubsidyDecided' AND data->'sale'->>'terminalId' = $1 ORDER BY position`,
    [terminalId],
  );
  return rows.map(({ stream, data }) => ({
    stream,
    elderId: data.elderId,
    saleId: data.saleId,
    businessDate: data.businessDate,
    reimbursedFen: data.lines.reduce((sum, line) => sum + line.fen, 0),
  }));
}
