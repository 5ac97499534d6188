import { setTimeout as sleep } from 'node:timers/promises';
import { redactSecrets } from '../../domain/identity/redaction.ts';
import type { OfflineCopy } from '../../domain/terminals/offline-copy.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { type ServiceClient, ServiceRefusal, ServiceUnreachable } from './service-client.ts';

/** Sales sent in one request when a queue drains. */
export const SYNC_BATCH_SIZE = 200;

/** The service's refusals of a void's time rather than of the void. */
const VOID_TIME_REFUSALS: ReadonlySet<string> = new Set(['clock-skew', 'void-before-sale']);

/** An unchanged queue is reported again after this long, so the bureau sees the terminal is alive. */
const QUIET_REPORT_MS = 5 * 60_000;

/**
 * 同步: keeps the terminal in touch with the service. It sends the outbox's sales in the order they
 * were made, in batches, with their own sale ids (so a repeat is harmless), then the voids; reports
 * how many sales it still holds; and refreshes the offline copy.
 */
export class Syncer {
  online = false;
  lastContactAt: number | null = null;
  progress: { done: number; total: number } | null = null;
  /** Why the queue cannot be sent (the service refused the terminal itself), shown at the counter. */
  blocked: string | null = null;
  private copyFetchedAt = 0;
  private lastReported: { queued: number; at: number } | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private voiding: Promise<void> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly service: ServiceClient,
    private readonly options: {
      readonly intervalMs: number;
      readonly copyRefreshMs: number;
      readonly now: () => number;
      readonly onCopy: (copy: OfflineCopy) => void;
      readonly onChange: () => void;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.draining;
  }

  /** The service answered: the terminal is online. */
  contact(): void {
    this.lastContactAt = this.options.now();
    if (!this.online) {
      this.online = true;
      this.options.onChange();
      this.wake();
    }
  }

  /** The service did not answer: sell offline until it does again. */
  lost(): void {
    if (this.online) {
      this.online = false;
      this.options.onChange();
    }
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** The service's menu differs from the copy's: fetch the copy again at the next round. */
  refreshCopySoon(): void {
    this.copyFetchedAt = 0;
    this.wake();
  }

  /** One round: send what is queued, report the queue, refresh the copy when due. Never throws. */
  syncOnce(): Promise<void> {
    this.draining ??= this.round().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Sends the voids of sales the service has, one at a time (a void button and the loop share it). */
  drainVoids(): Promise<void> {
    this.voiding ??= this.sendVoids().finally(() => {
      this.voiding = null;
    });
    return this.voiding;
  }

  /**
   * Each void carries the time it was made at the counter, so that a void sent late (offline, or
   * waiting behind its sale) is judged by when the cashier made it. Should the service refuse that
   * time (a clock that was off before it was checked), the void is sent again without it: the
   * customer has had the money back, so the void must stand, at the service's time.
   */
  private async sendVoids(): Promise<void> {
    if (!this.online) return;
    for (const entry of this.outbox.unsentVoids()) {
      const void_ = entry.void;
      if (!void_) continue;
      try {
        await this.service
          .voidSale(entry.saleId, void_.reason, void_.at)
          .catch((error: unknown) =>
            error instanceof ServiceRefusal && VOID_TIME_REFUSALS.has(error.code)
              ? this.service.voidSale(entry.saleId, void_.reason)
              : Promise.reject(error),
          );
        this.outbox.voidRecorded(entry.saleId);
        this.contact();
      } catch (error) {
        if (error instanceof ServiceUnreachable) return this.lost();
        if (!(error instanceof ServiceRefusal)) throw error;
        if (error.status === 404) continue; // its sale is not recorded yet
        this.outbox.voidRefused(entry.saleId, error);
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.syncOnce();
      await Promise.race([
        // Unref'd: a stopped terminal does not wait out the interval before its process may end.
        sleep(this.options.intervalMs, undefined, { ref: false }),
        new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        }),
      ]);
      this.wakeUp = null;
    }
  }

  private async round(): Promise<void> {
    try {
      await this.refreshCopy(!this.online);
      await this.drainSales();
      await this.drainVoids();
      await this.reportQueue();
      await this.heartbeat();
      this.blocked = null;
    } catch (error) {
      if (error instanceof ServiceUnreachable) this.lost();
      else {
        this.blocked = error instanceof Error ? error.message : String(error);
        console.error(`[terminal] sync: ${redactSecrets(this.blocked)}`);
      }
    } finally {
      if (this.progress) {
        this.progress = null;
        this.options.onChange();
      }
    }
  }

  /** Offline, fetching the copy doubles as the check whether the service is back. */
  private async refreshCopy(force: boolean): Promise<void> {
    if (!force && this.options.now() - this.copyFetchedAt < this.options.copyRefreshMs) return;
    const copy = await this.service.offlineCopy();
    this.copyFetchedAt = this.options.now();
    this.contact();
    this.options.onCopy(copy);
  }

  private async drainSales(): Promise<void> {
    // A sale the counter is sending right now is left to it.
    const queue = this.outbox.unsent().filter((entry) => !this.outbox.sending.has(entry.saleId));
    if (queue.length === 0) return;
    this.progress = { done: 0, total: queue.length };
    this.options.onChange();
    for (let start = 0; start < queue.length; start += SYNC_BATCH_SIZE) {
      const batch = queue.slice(start, start + SYNC_BATCH_SIZE);
      const results = await this.service.sellBatch(
        batch.map((entry) => ({ body: entry.body, clockUnchecked: entry.shown.clockUnchecked === true })),
      );
      this.contact();
      const recorded = [];
      for (const result of results) {
        if ('sale' in result) recorded.push({ saleId: result.saleId, answer: result.sale });
        else this.outbox.refused(result.saleId, result.problem);
      }
      this.outbox.recorded(recorded);
      this.progress = { done: start + batch.length, total: queue.length };
      this.options.onChange();
    }
  }

  /**
   * An idle counter asks the service whether it is there once a round with no other request, so
   * that 在线 turns to 离线 within seconds of the service going away, before the cashier taps.
   */
  private async heartbeat(): Promise<void> {
    if (!this.online) return;
    if (this.options.now() - (this.lastContactAt ?? 0) < this.options.intervalMs) return;
    await this.service.ping();
    this.contact();
  }

  private async reportQueue(): Promise<void> {
    const unsent = this.outbox.unsent();
    const now = this.options.now();
    const last = this.lastReported;
    if (last && last.queued === unsent.length && now - last.at < QUIET_REPORT_MS) return;
    await this.service.reportQueue(unsent.length, unsent[0]?.at ?? null);
    this.lastReported = { queued: unsent.length, at: now };
  }
}
