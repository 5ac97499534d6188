import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox, type SaleRequestBody, type ShownSale } from './outbox.ts';

const DAY = 86_400_000;
const shown: ShownSale = {
  items: [{ itemId: 'set-a', name: '套餐', qty: 1, unitPriceFen: 1200 }],
  totalFen: 1200,
  subsidyFen: 300,
  elderPaysFen: 900,
  maskedName: '张*明',
  elderId: 'e1',
  businessDate: '2026-10-08',
  period: 'lunch',
  cashierName: '王丽',
};
const body = (seq: number): SaleRequestBody => ({
  saleId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  terminalSeq: seq,
  occurredAt: '2026-10-08T04:00:00.000Z',
  channel: 'dine-in',
  cardUid: 'K1',
  items: [{ itemId: 'set-a', qty: 1 }],
  offline: true,
  appliedSubsidyFen: 300,
});
const answer = {
  status: 'recorded' as const,
  subsidyFen: 300,
  elderPaysFen: 900,
  period: 'lunch',
  lines: [],
};

function freshFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'zhucan-outbox-')), 'outbox.jsonl');
}

describe('the outbox file', () => {
  it('keeps what was written across a reopen, with each sale’s later history', () => {
    const file = freshFile();
    const outbox = Outbox.open(file, 0);
    outbox.addSale(body(1), shown, 0);
    outbox.addSale(body(2), shown, 0);
    outbox.recorded([{ saleId: body(1).saleId, answer }]);
    outbox.addVoid(body(1).saleId, '点错', 'manager-01', 0);
    outbox.close();
    const reopened = Outbox.open(file, 1);
    expect(reopened.unsent().map((entry) => entry.seq)).toEqual([2]);
    expect(reopened.unsentVoids().map((entry) => entry.seq)).toEqual([1]);
    expect(reopened.nextSeq()).toBe(3);
    expect(() => reopened.addSale(body(2), shown, 1)).toThrow(/already in the outbox/);
  });

  it('ignores a last line torn by a crash: that write was never acknowledged', () => {
    const file = freshFile();
    const outbox = Outbox.open(file, 0);
    outbox.addSale(body(1), shown, 0);
    outbox.close();
    appendFileSync(file, JSON.stringify({ kind: 'sale', body: body(2), shown, at: 0 }).slice(0, 40));
    const reopened = Outbox.open(file, 0);
    expect(reopened.all().map((entry) => entry.seq)).toEqual([1]);
    reopened.addSale(body(2), shown, 0);
    expect(
      Outbox.open(file, 0)
        .all()
        .map((entry) => entry.seq),
    ).toEqual([1, 2]);
  });

  it('drops settled sales after three days when it is opened, never unsent ones, and never reuses a sale number', () => {
    const file = freshFile();
    const outbox = Outbox.open(file, 0);
    outbox.addSale(body(1), shown, 0);
    outbox.addSale(body(2), shown, 0);
    outbox.recorded([{ saleId: body(2).saleId, answer }]);
    outbox.close();
    const later = Outbox.open(file, 4 * DAY);
    expect(later.all().map((entry) => entry.seq)).toEqual([1]);
    expect(later.nextSeq()).toBe(3);
    later.close();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
