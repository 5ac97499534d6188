import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../domain/money.ts';
import { dayReport, formatReceiptTime, type ReceiptLine, saleReceipt, voidSlip } from './receipt-model.ts';
import { NOON_IN_SHANGHAI, SALE_ID, sampleDay, sampleSale } from './testing/sample-receipts.ts';

function texts(lines: readonly ReceiptLine[]): string[] {
  return lines.flatMap((line) => {
    if (line.kind === 'text') return [line.text];
    if (line.kind === 'pair') return [`${line.left}|${line.right}`];
    return [];
  });
}

describe('money on receipts', () => {
  it.each([
    [0, '￥0.00'],
    [5, '￥0.05'],
    [1200, '￥12.00'],
    [123456, '￥1234.56'],
    [-300, '-￥3.00'],
  ])('%i fen prints as %s', (amount, printed) => {
    expect(formatMoney(amount)).toBe(printed);
  });

  it('refuses fractions of a fen', () => {
    expect(() => formatMoney(12.5)).toThrow();
  });
});

describe('time on receipts', () => {
  it('is Asia/Shanghai wall-clock time', () => {
    expect(formatReceiptTime(NOON_IN_SHANGHAI)).toBe('2026-10-08 12:00:05');
  });

  it('is already the next day in Shanghai at 16:30 UTC', () => {
    expect(formatReceiptTime(Date.UTC(2026, 9, 7, 16, 30, 0))).toBe('2026-10-08 00:30:00');
  });
});

describe('sale receipt', () => {
  it('carries the sale, the money and the masked name', () => {
    const model = saleReceipt(sampleSale());
    expect(texts(model.lines)).toEqual(
      expect.arrayContaining([
        '和平街道长者食堂',
        '终端|heping-01-t1',
        '单号|#1207',
        '时间|2026-10-08 12:00:05',
        '收银员|李小红',
        '红烧肉套餐|￥12.00',
        '小米粥|￥3.00',
        '  2 x ￥1.50',
        '合计|￥15.00',
        '补贴|-￥3.00',
        '实付|￥12.00',
        '支付方式|现金',
        '就餐人|张*明',
      ]),
    );
    expect(model.lines.filter((line) => line.kind === 'qr')).toEqual([{ kind: 'qr', data: SALE_ID }]);
  });

  it('a guest sale has no diner line, no cashier line when nobody is signed in', () => {
    const printed = texts(saleReceipt(sampleSale({ maskedName: null, cashierName: null })).lines);
    expect(printed.some((text) => text.startsWith('就餐人'))).toBe(false);
    expect(printed.some((text) => text.startsWith('收银员'))).toBe(false);
  });

  it('marks reprints at the top and offline sales', () => {
    const model = saleReceipt(sampleSale({ reprint: true, offline: true }));
    expect(texts(model.lines)[0]).toContain('重印');
    expect(texts(model.lines)).toContain('脱机交易');
    expect(texts(saleReceipt(sampleSale()).lines).join('\n')).not.toMatch(/重印|脱机/);
  });

  it('speaks English', () => {
    const printed = texts(saleReceipt(sampleSale({ lang: 'en', reprint: true, offline: true })).lines);
    expect(printed).toEqual(
      expect.arrayContaining(['*** REPRINT ***', 'Total|￥15.00', 'Subsidy|-￥3.00', 'Paid|￥12.00']),
    );
    expect(printed).toContain('offline sale');
    expect(printed.join('\n')).not.toMatch(/合计|补贴|老人/);
  });
});

describe('day report', () => {
  it('counts and sums by period and for the day', () => {
    const printed = texts(dayReport(sampleDay()).lines);
    expect(printed).toEqual(
      expect.arrayContaining([
        '日结报表',
        '营业日|2026-10-08',
        '打印时间|2026-10-08 20:30:00',
        '午餐',
        '晚餐',
        '就餐人次|41',
        '补贴|￥111.00',
        '全天合计',
        '就餐人次|64',
        '补贴人次|57',
        '未补贴人次|7',
        '  其中散客|5',
        '份数|68',
        '金额合计|￥722.00',
        '补贴|￥171.00',
        '实收|￥551.00',
        '作废笔数|2',
        '脱机笔数|5',
      ]),
    );
    expect(printed).not.toContain('早餐');
  });

  it('says so when nothing was sold, in English too', () => {
    const printed = texts(dayReport(sampleDay({ periods: [], lang: 'en' })).lines);
    expect(printed).toContain('No sales');
    expect(printed).toContain('Day report');
  });
});

describe('the reason on a receipt', () => {
  it('follows the subsidy line when there is one, and the amount paid reads 实付', () => {
    const printed = texts(
      saleReceipt(sampleSale({ subsidyFen: 0, elderPaysFen: 1500, subsidyNote: '今日补贴次数已用完' })).lines,
    );
    const subsidy = printed.indexOf('补贴|￥0.00');
    expect(printed.slice(subsidy, subsidy + 3)).toEqual([
      '补贴|￥0.00',
      '  今日补贴次数已用完',
      '实付|￥15.00',
    ]);
    expect(texts(saleReceipt(sampleSale()).lines).filter((text) => text.startsWith('  '))).not.toContain(
      '  今日补贴次数已用完',
    );
  });
});

describe('the void slip', () => {
  it('names the sale, when and by whom it was voided and why, and what goes back', () => {
    const printed = texts(
      voidSlip({
        canteenName: '和平街道长者食堂',
        terminalId: 'heping-01-t1',
        saleNumber: 1207,
        saleId: SALE_ID,
        occurredAt: NOON_IN_SHANGHAI,
        voidedAt: NOON_IN_SHANGHAI + 300_000,
        voidedBy: '李强',
        reason: '顾客退餐',
        totalFen: 1500,
        subsidyFen: 300,
        elderPaysFen: 1200,
        lang: 'zh-CN',
      }).lines,
    );
    expect(printed).toEqual(
      expect.arrayContaining([
        '作废凭证',
        '单号|#1207',
        '时间|2026-10-08 12:00:05',
        '作废时间|2026-10-08 12:05:05',
        '作废人|李强',
        '作废原因|顾客退餐',
        '应退|￥12.00',
        SALE_ID,
      ]),
    );
  });
});
