/**
 * The receipts waiting for the printer, kept in a JSON file that survives a killed process: each save
 * writes a temporary file, fsyncs it, renames it over the old one and fsyncs the folder, so the file
 * is always either the old queue or the new one.
 */
import { readFileSync, renameSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
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
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const content: QueueFile = { version: 1, receipts: [...receipts] };
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(content), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
