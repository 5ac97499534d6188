import type { EpochMs } from '../../domain/time/shanghai-time.ts';

/** A terminal that has not been heard from for longer than this is shown as offline. */
export const OFFLINE_AFTER_HOURS = 1;

const HOUR_MS = 3_600_000;

/**
 * 终端状态: `never-seen` before its first sale or queue report; `offline` when its last contact is
 * older than OFFLINE_AFTER_HOURS (a running terminal reports its queue every five minutes);
 * `queued` when it last said it holds sales not yet sent; `ok` otherwise.
 */
export type TerminalStatus = 'ok' | 'offline' | 'queued' | 'never-seen';

export interface TerminalContact {
  /** Its last sale recorded or queue report, whichever is later. */
  readonly lastContactAt: EpochMs | null;
  /** Sales it said it still holds in its last queue report (0 before any report). */
  readonly queuedSales: number;
}

export function terminalStatus(contact: TerminalContact, now: EpochMs): TerminalStatus {
  if (contact.lastContactAt === null) return 'never-seen';
  if (now - contact.lastContactAt > OFFLINE_AFTER_HOURS * HOUR_MS) return 'offline';
  if (contact.queuedSales > 0) return 'queued';
  return 'ok';
}

/** Whole hours since the last contact (0 for a contact in the future of a skewed clock). */
export function hoursSinceContact(lastContactAt: EpochMs | null, now: EpochMs): number | null {
  if (lastContactAt === null) return null;
  return Math.max(0, Math.floor((now - lastContactAt) / HOUR_MS));
}
