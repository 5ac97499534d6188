import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoWeekKeyOf, monthKeyOf } from '../domain/time/calendar.ts';
import { idNumber, MENU } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

const CAPS = { day: 1, week: 5, month: 18 };
const FIRST_DAY = '2023-06-01';
const DAYS = 900;

/** A sale as sent: its time, whether it was sold offline, and which earlier sale it voids after it. */
interface Sent {
  readonly saleId: string;
  readonly date: string;
  readonly time: string;
  readonly offline: boolean;
}

function saleId(n: number): string {
  return `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
}

/**
 * Subsidised or not, as the policy's caps say, computed from the sales alone: each sale in the order
 * it arrived counts the non-voided subsidised sales that arrived before it in its day, week and month.
 */
function expectedSubsidised(arrivals: readonly (Sent | { voids: string })[]): Map<string, boolean> {
  const subsidised = new Map<string, boolean>();
  const counting = new Map<string, Sent>();
  for (const arrival of arrivals) {
    if ('voids' in arrival) {
      counting.delete(arrival.voids);
      continue;
    }
    const earlier = [...counting.values()].filter((sale) => subsidised.get(sale.saleId));
    const within = (key: (date: string) => string) =>
      earlier.filter((sale) => key(sale.date) === key(arrival.date)).length;
    const ok =
      within((date) => date) < CAPS.day &&
      within(isoWeekKeyOf) < CAPS.week &&
      within(monthKeyOf) < CAPS.month;
    subsidised.set(arrival.saleId, ok);
    counting.set(arrival.saleId, arrival);
  }
  return subsidised;
}

describe('an elder who has eaten here for years', () => {
  let service: TestService;
  let terminal: string;
  const arrivals: (Sent | { voids: string })[] = [];
  const answers = new Map<string, { subsidyFen: number; lines: { fen: number }[] }>();
  /** What the sale's subsidy reimburses (an offline sale's till subsidy is what the terminal applied). */
  const reimbursed = (id: string) => (answers.get(id)?.lines ?? []).reduce((sum, line) => sum + line.fen, 0);

  beforeAll(async () => {
    service = await startTestService();
    const admin = async (method: string, path: string, body: unknown) => {
      const answer = await service.call(method, path, service.adminToken, body);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    await admin('PUT', '/api/v1/policies/years', {
      policyId: 'years',
      name: '常年政策',
      effectiveFrom: '2020-01-01',
      scope: 'citywide',
      offlineExcess: 'canteen-bears',
      rules: [
        {
          ruleId: 'age-80',
          eligible: { minAge: 80 },
          periods: ['lunch', 'dinner'],
          benefit: { kind: 'fixed', fen: 300 },
          funding: [{ source: 'city', shareBp: 10000 }],
        },
      ],
      caps: [
        { per: 'day', max: CAPS.day },
        { per: 'week', max: CAPS.week },
        { per: 'month', max: CAPS.month },
      ],
    });
    await admin('PUT', '/api/v1/canteens/y1', {
      name: '常年食堂',
      district: '西城区',
      town: '一街道',
      periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
      menu: MENU,
    });
    await admin('PUT', '/api/v1/elders/y80', {
      name: '王长寿',
      idNumber: idNumber('1935-02-01', '456'),
      district: '西城区',
      town: '一街道',
      categories: [],
    });
    await admin('POST', '/api/v1/elders/y80/cards', { cardUid: 'Y80' });
    terminal = (await admin('PUT', '/api/v1/terminals/yt1', { canteenId: 'y1' })).token;
  });
  afterAll(async () => {
    await service?.close();
  });

  const body = (sale: Sent, n: number) => ({
    saleId: sale.saleId,
    terminalSeq: n,
    occurredAt: `${sale.date}T${sale.time}:00+08:00`,
    channel: 'dine-in',
    cardUid: 'Y80',
    items: [{ itemId: 'set-a', qty: 1 }],
    ...(sale.offline ? { offline: true, appliedSubsidyFen: 300 } : {}),
  });

  it('decides years of lunches and dinners, late offline sales and old voids by the caps computed from the sales', async () => {
    let n = 0;
    const sales: Sent[] = [];
    for (let day = 0; day < DAYS; day++) {
      const date = addDays(FIRST_DAY, day);
      sales.push({ saleId: saleId(++n), date, time: '12:00', offline: false });
      if (day % 3 !== 1) sales.push({ saleId: saleId(++n), date, time: '17:30', offline: false });
    }
    // Arrival order: mostly as eaten, but each 97th sale arrives two months late, offline.
    const late = sales.filter((_, index) => index % 97 === 50);
    const onTime = sales.filter((_, index) => index % 97 !== 50);
    const queue: Sent[] = [];
    onTime.forEach((sale, index) => {
      queue.push(sale);
      if (index % 120 === 119 && late.length > 0) {
        const due = late.filter((candidate) => candidate.date < addDays(sale.date, -60));
        for (const overdue of due) {
          queue.push({ ...overdue, offline: true });
          late.splice(late.indexOf(overdue), 1);
        }
      }
    });
    queue.push(...late.map((sale) => ({ ...sale, offline: true })));

    // Sent 200 at a time, as a terminal syncs; between batches a sale of long ago is voided.
    for (let start = 0; start < queue.length; start += 200) {
      const batch = queue.slice(start, start + 200);
      const { status, body: answer } = await service.call('POST', '/api/v1/sales/batch', terminal, {
        sales: batch.map((sale) => body(sale, ++n)),
      });
      expect(status).toBe(200);
      for (const [index, result] of answer.results.entries()) {
        expect(result.status, JSON.stringify(result)).toBe(201);
        answers.set(batch[index]?.saleId as string, result.sale);
      }
      arrivals.push(...batch);
      const old = queue[Math.floor(start / 3)] as Sent;
      const voided = await service.call('POST', `/api/v1/sales/${old.saleId}/void`, terminal, {
        reason: '退餐',
      });
      expect(voided.status).toBe(200);
      arrivals.push({ voids: old.saleId });
    }

    const expected = expectedSubsidised(arrivals);
    expect(expected.size).toBe(sales.length);
    const mismatches = [...expected].filter(([id, subsidised]) => reimbursed(id) !== (subsidised ? 300 : 0));
    expect(mismatches).toEqual([]);
    // The caps did bite, and not only by day.
    const reasons = new Set(
      [...answers.values()].map((answer) => (answer as { reason?: { code: string } }).reason?.code),
    );
    expect(reasons).toEqual(new Set([undefined, 'cap-day', 'cap-week', 'cap-month']));
  });

  it('keeps each month’s ledger as the sales say, the first month as the last', async () => {
    await service.projections.catchUp();
    const voided = new Set(arrivals.flatMap((arrival) => ('voids' in arrival ? [arrival.voids] : [])));
    const sold = arrivals.filter((arrival): arrival is Sent => !('voids' in arrival));
    for (const month of ['2023-06', '2024-02', '2025-07', monthKeyOf(addDays(FIRST_DAY, DAYS - 1))]) {
      const { status, body: ledger } = await service.call(
        'GET',
        `/api/v1/elders/y80/ledger?month=${month}`,
        service.adminToken,
      );
      expect(status).toBe(200);
      const kept = sold.filter((sale) => monthKeyOf(sale.date) === month && !voided.has(sale.saleId));
      const subsidised = kept.filter((sale) => reimbursed(sale.saleId) === 300);
      expect({ month, ...ledger.totals }).toMatchObject({
        month,
        meals: kept.length,
        reimbursableFen: subsidised.length * 300,
        subsidyFen: kept.reduce((sum, sale) => sum + (answers.get(sale.saleId)?.subsidyFen ?? 0), 0),
      });
      expect(ledger.capsUsed.month).toBe(subsidised.length);
      expect(ledger.capsUsed.month).toBeLessThanOrEqual(CAPS.month);
    }
  });

  it('closes the imported months, each from its own sales, and verifies them', async () => {
    const voided = new Set(arrivals.flatMap((arrival) => ('voids' in arrival ? [arrival.voids] : [])));
    const sold = arrivals.filter((arrival): arrival is Sent => !('voids' in arrival));
    for (const month of ['2023-06', '2023-07', '2024-02', '2025-07']) {
      const { status, body: closed } = await service.call(
        'POST',
        `/api/v1/settlements/${month}/close`,
        service.adminToken,
      );
      expect(status, JSON.stringify(closed)).toBe(200);
      const kept = sold.filter((sale) => monthKeyOf(sale.date) === month && !voided.has(sale.saleId));
      const reimbursement = kept.reduce((sum, sale) => sum + reimbursed(sale.saleId), 0);
      expect({ month, ...closed.totals }).toMatchObject({
        month,
        mealsSold: kept.length,
        subsidyFen: kept.reduce((sum, sale) => sum + (answers.get(sale.saleId)?.subsidyFen ?? 0), 0),
        adjustmentsFen: 0,
        reimbursementFen: reimbursement,
      });
      const verified = await service.call('GET', `/api/v1/settlements/${month}/verify`, service.adminToken);
      expect(verified.body.verifications).toEqual([
        expect.objectContaining({ canteenId: 'y1', matches: true, figuresMatch: true }),
      ]);
    }
  });
});
