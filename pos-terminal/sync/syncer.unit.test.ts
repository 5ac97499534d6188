import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox, type ShownSale } from '../outbox/outbox.ts';
import { type ServiceClient, ServiceRefusal } from './service-client.ts';
import { Syncer } from './syncer.ts';

const SALE_ID = '00000000-0000-4000-8000-000000000001';
const SOLD_AT = Date.parse('2026-10-08T12:00:00+08:00');
const VOIDED_AT = Date.parse('2026-10-08T12:07:00+08:00');
const SENT_AT = Date.parse('2026-10-09T09:00:00+08:00');
const shown: ShownSale = {
  items: [{ itemId: 'set-a', name: '套餐', qty: 1, unitPriceFen: 1200 }],
  totalFen: 1200,
  subsidyFen: 0,
  elderPaysFen: 1200,
  maskedName: null,
  elderId: null,
  businessDate: '2026-10-08',
  period: 'lunch',
  cashierName: '王丽',
};

/** An outbox holding one recorded sale whose void, made at VOIDED_AT, waits to be sent. */
function outboxWithQueuedVoid(): Outbox {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'zhucan-syncer-')), 'outbox.jsonl');
  const outbox = Outbox.open(file, SOLD_AT);
  outbox.addSale(
    {
      saleId: SALE_ID,
      terminalSeq: 1,
      occurredAt: new Date(SOLD_AT).toISOString(),
      channel: 'dine-in',
      items: [{ itemId: 'set-a', qty: 1 }],
    },
    shown,
    SOLD_AT,
  );
  outbox.recorded([
    {
      saleId: SALE_ID,
      answer: { status: 'recorded', subsidyFen: 0, elderPaysFen: 1200, period: 'lunch', lines: [] },
    },
  ]);
  outbox.addVoid(SALE_ID, '顾客退餐', 'manager-01', VOIDED_AT);
  return outbox;
}

/** A service that records every void it is sent, refusing the first `refuse.times` with `refuse.code`. */
function serviceRecordingVoids(refuse: { code: string; times: number } | null = null) {
  const sent: { saleId: string; reason: string; occurredAt: number | undefined }[] = [];
  const client = {
    async voidSale(saleId: string, reason: string, occurredAt?: number) {
      sent.push({ saleId, reason, occurredAt });
      if (refuse && sent.length <= refuse.times) throw new ServiceRefusal(422, refuse.code, 'refused');
      return { saleId, status: 'voided' };
    },
  };
  return { client: client as unknown as ServiceClient, sent };
}

function syncerOf(outbox: Outbox, service: ServiceClient): Syncer {
  const syncer = new Syncer(outbox, service, {
    intervalMs: 60_000,
    copyRefreshMs: 60_000,
    now: () => SENT_AT,
    onCopy: () => {},
    onChange: () => {},
  });
  syncer.online = true;
  return syncer;
}

describe('the syncer sends a queued void with the time it was made at the counter', () => {
  it('sends the outbox time as the void time, however late it is sent', async () => {
    const outbox = outboxWithQueuedVoid();
    const service = serviceRecordingVoids();
    await syncerOf(outbox, service.client).drainVoids();
    expect(service.sent).toEqual([{ saleId: SALE_ID, reason: '顾客退餐', occurredAt: VOIDED_AT }]);
    expect(outbox.get(SALE_ID).void).toMatchObject({ at: VOIDED_AT, recorded: true, refusal: null });
  });

  it.each(['clock-skew', 'void-before-sale'])(
    'sends the void again without its time when the service refuses the time (%s): the void stands',
    async (code) => {
      const outbox = outboxWithQueuedVoid();
      const service = serviceRecordingVoids({ code, times: 1 });
      await syncerOf(outbox, service.client).drainVoids();
      expect(service.sent.map((sent) => sent.occurredAt)).toEqual([VOIDED_AT, undefined]);
      expect(outbox.get(SALE_ID).void).toMatchObject({ recorded: true, refusal: null });
    },
  );

  it('keeps any other refusal of the void, sent once', async () => {
    const outbox = outboxWithQueuedVoid();
    const service = serviceRecordingVoids({ code: 'forbidden', times: 1 });
    await syncerOf(outbox, service.client).drainVoids();
    expect(service.sent).toHaveLength(1);
    expect(outbox.get(SALE_ID).void).toMatchObject({ recorded: false, refusal: { code: 'forbidden' } });
  });
});
