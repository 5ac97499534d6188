import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SaleAnswer } from '../../domain/sales/sale-answer.ts';
import { ServiceAnswerInvalid, ServiceClient, ServiceRefusal } from './service-client.ts';

const SALE_ID = '0b7e9c1e-5d3f-4a57-9d8e-2f1c3b4a5d6e';

const recorded: SaleAnswer = {
  saleId: SALE_ID,
  status: 'recorded',
  businessDate: '2026-10-08',
  period: 'lunch',
  totalFen: 1500,
  subsidyFen: 500,
  elderPaysFen: 1000,
  lines: [{ ruleId: 'age-80', fen: 500, funding: [{ source: 'city', fen: 500 }] }],
  elder: { maskedName: '张*明' },
  notice: { code: 'offline-debt', owedFen: 300, zh: '您有脱机消费欠款3.00元，请向食堂补交', en: 'You owe' },
};

const body = {
  saleId: SALE_ID,
  terminalSeq: 1,
  occurredAt: '2026-10-08T11:30:00+08:00',
  channel: 'dine-in' as const,
  items: [{ itemId: 'set-a', qty: 1 }],
};

/** A client whose every request the service answers with `answer`. */
function clientAnswering(answer: unknown, status = 200) {
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async () =>
        new Response(JSON.stringify(answer), {
          status,
          headers: { 'content-type': 'application/json', date: new Date().toUTCString() },
        }),
    ),
  );
  return new ServiceClient({ url: 'http://service.test', token: 't', terminalId: 'T1', timeoutMs: 1000 });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the service client reads answers by the schemas the service answers by', () => {
  it('takes a sale answer as declared', async () => {
    expect(await clientAnswering(recorded, 201).sell({ body })).toEqual(recorded);
  });

  it("asks for refusals in Chinese, the cashier's language, and keeps the detail it is given", async () => {
    const problem = {
      status: 422,
      code: 'card-unknown',
      title: '卡片未登记',
      detail: 'cardUid: 卡 K9 未登记',
    };
    const refused = await clientAnswering(problem, 422)
      .sell({ body })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceRefusal);
    expect(refused).toMatchObject({ status: 422, code: 'card-unknown', detail: 'cardUid: 卡 K9 未登记' });
    const [, init] = vi.mocked(fetch).mock.calls[0] ?? [];
    expect(new Headers(init?.headers).get('accept-language')).toBe('zh-CN');
  });

  it('refuses a sale answer that is not as declared', async () => {
    const { elderPaysFen: _, ...short } = recorded;
    await expect(clientAnswering(short, 201).sell({ body })).rejects.toThrow(ServiceAnswerInvalid);
    await expect(clientAnswering({ ...recorded, status: 'sold' }).voidSale(SALE_ID, 'x')).rejects.toThrow(
      /status/,
    );
  });

  it('sends a void with the time it was made, and without one when it has none', async () => {
    const voided = { ...recorded, status: 'voided' };
    const client = clientAnswering(voided);
    await client.voidSale(SALE_ID, '点错', Date.parse('2026-10-08T12:20:00+08:00'));
    await client.voidSale(SALE_ID, '点错');
    const bodies = vi.mocked(fetch).mock.calls.map(([, init]) => JSON.parse(String(init?.body)));
    expect(bodies).toEqual([{ reason: '点错', occurredAt: '2026-10-08T04:20:00.000Z' }, { reason: '点错' }]);
  });

  it('takes a quote with its items and status quoted', async () => {
    const items = [{ itemId: 'set-a', name: '套餐A', unitPriceFen: 1500, qty: 1 }];
    const quote = { ...recorded, status: 'quoted', items };
    expect(await clientAnswering(quote).quote(body)).toEqual(quote);
    await expect(clientAnswering(recorded).quote(body)).rejects.toThrow(ServiceAnswerInvalid);
  });

  it('gives each sale of a batch its answer or the problem that refused it, and refuses a result with neither', async () => {
    const problem = {
      type: 'https://zhucan.invalid/problems/sale-conflict',
      title: '与先前记录的销售冲突',
      status: 409,
      detail: '销售 other 已按另一份内容记录',
      code: 'sale-conflict',
    };
    const results = [
      { saleId: SALE_ID, status: 201, sale: recorded },
      { saleId: 'other', status: 409, problem },
    ];
    expect(await clientAnswering({ results }).sellBatch([{ body }, { body }])).toEqual(results);
    await expect(
      clientAnswering({ results: [{ saleId: SALE_ID, status: 201 }] }).sellBatch([{ body }]),
    ).rejects.toThrow(ServiceAnswerInvalid);
  });
});
