/**
 * The receipts waiting for the printer, kept in a JSON file that survives a killed process: each save
 * replaces it durably (`writeFileDurably`), so the file is always either the old queue or the new one.
 */
import { readFileSync, renameSync } from 'node:fs';
import { writeFileDurably } from '../durable-file.ts';
import type { PrinterStatus } from './printer-transport.ts';
import type { ReceiptModel } from './receipt-model.ts';

export interface QueuedReceipt {
  readonly jobId: string;
  readonly model: ReceiptModel;
  /** epoch ms when it first failed to print */
  readonly queuedAt: number;
  /** what the printer said when it failed */
  readonly reason: PrinterStatus;
}

interface QueueFile {
  version: 1;
  receipts: QueuedReceipt[];
}

/**
 * Loads at start-up, before the counter sells. A file that cannot be read as a queue is kept aside
 * (never deleted) and the counter starts with an empty queue rather than not at all.
 */
export function loadQueue(file: string): QueuedReceipt[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<QueueFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.receipts)) throw new Error('not a receipt queue');
    return parsed.receipts.filter(
      (receipt) => typeof receipt?.jobId === 'string' && Array.isArray(receipt.model?.lines),
    );
  } catch (error) {
    const aside = `${file}.unreadable-${Date.now()}`;
    renameSync(file, aside);
    console.error(`reprint queue ${file} could not be read (${String(error)}); kept as ${aside}`);
    return [];
  }
}

export async function saveQueue(file: string, receipts: readonly QueuedReceipt[]): Promise<void> {
  const content: QueueFile = { version: 1, receipts: [...receipts] };
  writeFileDurably(file, JSON.stringify(content));
}
