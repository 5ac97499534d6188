/**
 * Prints receipts without ever holding up a sale: a receipt that cannot print within the time limit
 * goes to a durable reprint queue, which is printed in order once the printer is back.
 */
import { encodeReceipt, type PaperWidth } from './escpos.ts';
import type { PrinterStatus, PrinterTransport } from './printer-transport.ts';
import type { ReceiptModel } from './receipt-model.ts';
import { loadQueue, type QueuedReceipt, saveQueue } from './reprint-queue-file.ts';

export interface PrintOutcome {
  readonly printed: boolean;
  readonly status: PrinterStatus;
  /** receipts waiting in the reprint queue after this call */
  readonly queued: number;
}

export interface ReceiptPrinterOptions {
  transport: PrinterTransport;
  width: PaperWidth;
  /** durable JSON file of the receipts waiting to print */
  queueFile: string;
  /** the longest a print() or reprint() takes before it gives up and queues; default 2000 */
  timeoutMs?: number;
  onChange?: (state: { status: PrinterStatus; queued: number }) => void;
  clock?: () => number;
}

type Attempt = 'printed' | 'not-printed' | 'abandoned';

export class ReceiptPrinter {
  private readonly transport: PrinterTransport;
  private readonly width: PaperWidth;
  private readonly queueFile: string;
  private readonly timeoutMs: number;
  private readonly onChange: ((state: { status: PrinterStatus; queued: number }) => void) | undefined;
  private readonly clock: () => number;
  private queue: QueuedReceipt[];
  /** Until the printer has answered once, it is not known to be ready. */
  private status: PrinterStatus = 'offline';
  /** One job at a time on the printer, so two receipts never interleave and none prints twice. */
  private printerTurn: Promise<unknown> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private watcher: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(options: ReceiptPrinterOptions) {
    this.transport = options.transport;
    this.width = options.width;
    this.queueFile = options.queueFile;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.onChange = options.onChange;
    this.clock = options.clock ?? Date.now;
    this.queue = loadQueue(options.queueFile);
  }

  print(jobId: string, model: ReceiptModel): Promise<PrintOutcome> {
    return this.printOrQueue(jobId, model);
  }

  /** Same as print; printing it also settles a queued copy of the same job. */
  reprint(jobId: string, model: ReceiptModel): Promise<PrintOutcome> {
    return this.printOrQueue(jobId, model);
  }

  /** Prints the queued receipts, oldest first, until the queue is empty or the printer fails. */
  async retryQueued(): Promise<PrintOutcome> {
    let printedAny = false;
    for (;;) {
      const step = await this.onPrinter(async (): Promise<'printed' | 'stop'> => {
        const head = this.queue[0];
        if (!head) return 'stop';
        if ((await this.checkStatus()) !== 'ready') return 'stop';
        try {
          await this.transport.send(encodeReceipt(head.model, { width: this.width }));
        } catch {
          this.setStatus('offline');
          return 'stop';
        }
        await this.removeFromQueue(head.jobId);
        return 'printed';
      });
      if (step === 'stop') break;
      printedAny = true;
    }
    return this.outcome(printedAny && this.queue.length === 0);
  }

  state(): { status: PrinterStatus; queued: number; queuedJobIds: string[] } {
    return { status: this.status, queued: this.queue.length, queuedJobIds: this.queue.map((r) => r.jobId) };
  }

  startWatching(intervalMs = 5000): void {
    this.stopWatching();
    this.watcher = setInterval(() => void this.poll(), intervalMs);
    this.watcher.unref();
  }

  stopWatching(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const status = await this.onPrinter(() => this.checkStatus());
      if (status === 'ready' && this.queue.length > 0) await this.retryQueued();
    } catch (error) {
      console.error(`receipt printer ${this.transport.description}: ${String(error)}`);
    } finally {
      this.polling = false;
    }
  }

  private async printOrQueue(jobId: string, model: ReceiptModel): Promise<PrintOutcome> {
    const bytes = encodeReceipt(model, { width: this.width });
    let givenUp = false;
    const attempt = this.onPrinter(async (): Promise<Attempt> => {
      if (givenUp) return 'abandoned';
      if ((await this.checkStatus()) !== 'ready') return 'not-printed';
      try {
        await this.transport.send(bytes);
      } catch {
        this.setStatus('offline');
        return 'not-printed';
      }
      // Printed after all, although print() had already answered "queued": the queued copy must not
      // print a second time.
      await this.removeFromQueue(jobId);
      return 'printed';
    }).catch((): Attempt => 'not-printed');

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    const result = await Promise.race([attempt, deadline]);
    clearTimeout(timer);
    if (result === 'printed') return this.outcome(true);
    if (result === 'timeout') {
      givenUp = true;
      if (this.status === 'ready') this.setStatus('offline');
    }
    await this.addToQueue(jobId, model);
    return this.outcome(false);
  }

  private onPrinter<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.printerTurn.then(work);
    this.printerTurn = turn.catch(() => undefined);
    return turn;
  }

  private async checkStatus(): Promise<PrinterStatus> {
    let status: PrinterStatus;
    try {
      status = await this.transport.status();
    } catch {
      status = 'offline';
    }
    this.setStatus(status);
    return status;
  }

  private setStatus(status: PrinterStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.changed();
  }

  private async addToQueue(jobId: string, model: ReceiptModel): Promise<void> {
    const receipt: QueuedReceipt = { jobId, model, queuedAt: this.clock(), reason: this.status };
    const existing = this.queue.findIndex((r) => r.jobId === jobId);
    if (existing >= 0) this.queue[existing] = receipt;
    else this.queue.push(receipt);
    this.changed();
    await this.persist();
  }

  private async removeFromQueue(jobId: string): Promise<void> {
    const before = this.queue.length;
    this.queue = this.queue.filter((r) => r.jobId !== jobId);
    if (this.queue.length === before) return;
    this.changed();
    await this.persist();
  }

  /** Saves one after another, each with the queue as it is when its turn comes. */
  private persist(): Promise<void> {
    const save = this.saving.then(() => saveQueue(this.queueFile, this.queue));
    this.saving = save.catch((error: unknown) => {
      console.error(`reprint queue ${this.queueFile} not saved: ${String(error)}`);
    });
    return this.saving;
  }

  private outcome(printed: boolean): PrintOutcome {
    return { printed, status: this.status, queued: this.queue.length };
  }

  private changed(): void {
    this.onChange?.({ status: this.status, queued: this.queue.length });
  }
}
