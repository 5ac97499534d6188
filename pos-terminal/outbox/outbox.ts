import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileDurably } from '../durable-file.ts';

/** A sale as sent to the service (docs/api.en.md `POST /api/v1/sales`), kept byte for byte for retries. */
export interface SaleRequestBody {
  readonly saleId: string;
  readonly terminalSeq: number;
  readonly occurredAt: string;
  readonly channel: 'dine-in' | 'delivery';
  readonly cardUid?: string;
  readonly items: readonly { readonly itemId: string; readonly qty: number }[];
  readonly payment?: { readonly method: string };
  readonly offline?: true;
  readonly appliedSubsidyFen?: number;
  readonly cashierId?: string;
}

/** What the counter showed and charged when the sale was made; the receipt prints it. */
export interface ShownSale {
  readonly items: readonly {
    readonly itemId: string;
    readonly name: string;
    readonly qty: number;
    readonly unitPriceFen: number;
  }[];
  readonly totalFen: number;
  readonly subsidyFen: number;
  readonly elderPaysFen: number;
  readonly maskedName: string | null;
  readonly elderId: string | null;
  readonly businessDate: string;
  readonly period: string | null;
  readonly cashierName: string | null;
  /** Why the subsidy is missing or smaller, as the elder may read it (printed on the receipt). */
  readonly reasonForTheElder?: { readonly zh: string; readonly en: string } | null;
  /**
   * Timed by the PC's clock before the terminal had compared it with the service's (a start without
   * network): sent with that clock's reading, so that the service refuses it when the clock is off.
   */
  readonly clockUnchecked?: true;
}

/** The service's answer to a recorded sale (the parts the counter reads). */
export interface RecordedAnswer {
  readonly status: 'recorded' | 'voided';
  readonly subsidyFen: number;
  readonly elderPaysFen: number;
  readonly period: string | null;
  readonly lines: readonly {
    readonly ruleId: string;
    readonly fen: number;
    readonly stackGroup?: string | null;
  }[];
  readonly excluded?: readonly { readonly reason: string; readonly fen: number }[];
}

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
}

type OutboxRecord =
  | { readonly kind: 'sale'; readonly body: SaleRequestBody; readonly shown: ShownSale; readonly at: number }
  /** The sale was never delivered in its first form: it goes as an offline sale instead. */
  | { readonly kind: 'resend-as'; readonly saleId: string; readonly body: SaleRequestBody }
  | { readonly kind: 'recorded'; readonly saleId: string; readonly answer: RecordedAnswer }
  | { readonly kind: 'refused'; readonly saleId: string; readonly refusal: Refusal }
  /** The service decided otherwise than the quote, before the elder paid: the elder pays this. */
  | {
      readonly kind: 'charged';
      readonly saleId: string;
      readonly subsidyFen: number;
      readonly elderPaysFen: number;
    }
  | {
      readonly kind: 'void';
      readonly saleId: string;
      readonly reason: string;
      readonly by: string;
      readonly at: number;
    }
  | { readonly kind: 'void-recorded'; readonly saleId: string }
  | { readonly kind: 'void-refused'; readonly saleId: string; readonly refusal: Refusal };

/** One sale in the outbox with everything that happened to it. */
export interface OutboxEntry {
  readonly saleId: string;
  readonly seq: number;
  body: SaleRequestBody;
  shown: ShownSale;
  /** When the cashier confirmed it (epoch ms). */
  readonly at: number;
  answer: RecordedAnswer | null;
  refusal: Refusal | null;
  void: {
    readonly reason: string;
    readonly by: string;
    readonly at: number;
    recorded: boolean;
    refusal: Refusal | null;
  } | null;
}

/** Settled sales older than this are dropped when the file is rewritten on opening. */
const KEEP_SETTLED_MS = 3 * 24 * 3_600_000;

/**
 * 待同步队列: the terminal's durable record of every sale it made, written (and fsynced) before the
 * cashier sees "done", so that a killed process or a power cut loses nothing. It is an append-only
 * file of JSON lines; a line cut short by a crash was never acknowledged and is ignored.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  /** Sales being sent by the counter at this moment (not kept on disk). */
  readonly sending = new Set<string>();
  private fd: number;
  private lastSeq = 0;

  private constructor(private readonly file: string) {
    this.fd = -1;
  }

  static open(file: string, now: number = Date.now()): Outbox {
    const outbox = new Outbox(file);
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        let record: OutboxRecord | { kind: 'seq'; seq: number };
        try {
          record = JSON.parse(line);
        } catch {
          continue; // a line torn by a crash: its write was never acknowledged
        }
        if (record.kind === 'seq') outbox.lastSeq = Math.max(outbox.lastSeq, record.seq);
        else outbox.apply(record);
      }
    }
    outbox.rewrite(now);
    return outbox;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The next sale number of this terminal (never reused, also after the file is compacted). */
  nextSeq(): number {
    return this.lastSeq + 1;
  }

  addSale(body: SaleRequestBody, shown: ShownSale, at: number): OutboxEntry {
    if (this.entries.has(body.saleId)) throw new Error(`sale ${body.saleId} is already in the outbox`);
    this.write([{ kind: 'sale', body, shown, at }]);
    return this.get(body.saleId);
  }

  resendAs(saleId: string, body: SaleRequestBody): void {
    this.write([{ kind: 'resend-as', saleId, body }]);
  }

  recorded(results: readonly { readonly saleId: string; readonly answer: RecordedAnswer }[]): void {
    this.write(results.map(({ saleId, answer }) => ({ kind: 'recorded', saleId, answer })));
  }

  charged(saleId: string, amounts: { readonly subsidyFen: number; readonly elderPaysFen: number }): void {
    this.write([{ kind: 'charged', saleId, ...amounts }]);
  }

  refused(saleId: string, refusal: Refusal): void {
    this.write([{ kind: 'refused', saleId, refusal }]);
  }

  addVoid(saleId: string, reason: string, by: string, at: number): void {
    this.write([{ kind: 'void', saleId, reason, by, at }]);
  }

  voidRecorded(saleId: string): void {
    this.write([{ kind: 'void-recorded', saleId }]);
  }

  voidRefused(saleId: string, refusal: Refusal): void {
    const { status, code, detail } = refusal;
    this.write([{ kind: 'void-refused', saleId, refusal: { status, code, ...(detail ? { detail } : {}) } }]);
  }

  get(saleId: string): OutboxEntry {
    const entry = this.entries.get(saleId);
    if (!entry) throw new Error(`sale ${saleId} is not in the outbox`);
    return entry;
  }

  find(saleId: string): OutboxEntry | undefined {
    return this.entries.get(saleId);
  }

  /** Every sale kept, in the order made. */
  all(): OutboxEntry[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Sales the service has not answered yet, in the order made. */
  unsent(): OutboxEntry[] {
    return this.all().filter((entry) => entry.answer === null && entry.refusal === null);
  }

  /** Voids the service has not recorded yet, of sales it has recorded. */
  unsentVoids(): OutboxEntry[] {
    return this.all().filter(
      (entry) => entry.void !== null && !entry.void.recorded && !entry.void.refusal && entry.answer !== null,
    );
  }

  private apply(record: OutboxRecord): void {
    if (record.kind === 'sale') {
      this.lastSeq = Math.max(this.lastSeq, record.body.terminalSeq);
      this.entries.set(record.body.saleId, {
        saleId: record.body.saleId,
        seq: record.body.terminalSeq,
        body: record.body,
        shown: record.shown,
        at: record.at,
        answer: null,
        refusal: null,
        void: null,
      });
      return;
    }
    const entry = this.entries.get(record.saleId);
    if (!entry) return; // compacted away
    switch (record.kind) {
      case 'resend-as':
        entry.body = record.body;
        break;
      case 'recorded':
        entry.answer = record.answer;
        break;
      case 'refused':
        entry.refusal = record.refusal;
        break;
      case 'charged':
        entry.shown = { ...entry.shown, subsidyFen: record.subsidyFen, elderPaysFen: record.elderPaysFen };
        break;
      case 'void':
        entry.void = { reason: record.reason, by: record.by, at: record.at, recorded: false, refusal: null };
        break;
      case 'void-recorded':
        if (entry.void) entry.void.recorded = true;
        break;
      case 'void-refused':
        if (entry.void) entry.void.refusal = record.refusal;
        break;
      default: {
        const _exhaustive: never = record;
        throw new Error(`unknown outbox record ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /** Appends records in one write and waits for the disk: after this returns they survive a power cut. */
  private write(records: readonly OutboxRecord[]): void {
    if (records.length === 0) return;
    writeSync(this.fd, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    fsyncSync(this.fd);
    for (const record of records) this.apply(record);
  }

  /** Rewrites the file with what is still needed (atomic: temp file, fsync, rename, fsync folder). */
  private rewrite(now: number): void {
    this.close();
    for (const entry of this.entries.values()) {
      const settled =
        (entry.answer !== null || entry.refusal !== null) && (!entry.void || entry.void.recorded);
      if (settled && now - entry.at > KEEP_SETTLED_MS) this.entries.delete(entry.saleId);
    }
    const lines: string[] = [JSON.stringify({ kind: 'seq', seq: this.lastSeq })];
    for (const entry of this.all()) {
      lines.push(JSON.stringify({ kind: 'sale', body: entry.body, shown: entry.shown, at: entry.at }));
      if (entry.answer)
        lines.push(JSON.stringify({ kind: 'recorded', saleId: entry.saleId, answer: entry.answer }));
      if (entry.refusal)
        lines.push(JSON.stringify({ kind: 'refused', saleId: entry.saleId, refusal: entry.refusal }));
      if (entry.void) {
        const { reason, by, at, recorded } = entry.void;
        lines.push(JSON.stringify({ kind: 'void', saleId: entry.saleId, reason, by, at }));
        if (recorded) lines.push(JSON.stringify({ kind: 'void-recorded', saleId: entry.saleId }));
        if (entry.void.refusal)
          lines.push(
            JSON.stringify({ kind: 'void-refused', saleId: entry.saleId, refusal: entry.void.refusal }),
          );
      }
    }
    writeFileDurably(this.file, `${lines.join('\n')}\n`);
    this.fd = openSync(this.file, 'a', 0o600);
  }
}
