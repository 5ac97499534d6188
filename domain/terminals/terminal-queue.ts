import type { Decider } from '../decider.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

export const terminalQueueStream = (terminalId: string) => `terminal-queue-${terminalId}`;

/**
 * 待同步: how many sales a terminal holds that the service has not yet recorded, as the terminal
 * reports when it reconnects and as its queue drains. A report is recorded when it is the first, when
 * the queue changed, or when the last recorded one is older than `QUIET_REPORT_MS` (so that an idle
 * terminal still shows when it was last in contact).
 */
export type TerminalQueueEvent = {
  readonly type: 'TerminalQueueReported';
  readonly data: {
    readonly terminalId: string;
    readonly queuedSales: number;
    /** When the oldest queued sale was made (null when the queue is empty). */
    readonly oldestQueuedAt: EpochMs | null;
    /** When the service received the report. */
    readonly reportedAt: EpochMs;
  };
};

export interface ReportQueue {
  readonly terminalId: string;
  readonly queuedSales: number;
  readonly oldestQueuedAt: EpochMs | null;
  readonly reportedAt: EpochMs;
}

export interface TerminalQueueState {
  readonly queuedSales: number;
  readonly oldestQueuedAt: EpochMs | null;
  /** When the last recorded report arrived; null before the first. */
  readonly reportedAt: EpochMs | null;
}

export const QUIET_REPORT_MS = 30 * 60_000;

export const terminalQueue: Decider<ReportQueue, TerminalQueueEvent, TerminalQueueState> = {
  initialState: { queuedSales: 0, oldestQueuedAt: null, reportedAt: null },
  decide(command, state) {
    const oldestQueuedAt = command.queuedSales === 0 ? null : command.oldestQueuedAt;
    const unchanged = command.queuedSales === state.queuedSales && oldestQueuedAt === state.oldestQueuedAt;
    const recent = state.reportedAt !== null && command.reportedAt - state.reportedAt < QUIET_REPORT_MS;
    if (unchanged && recent) return [];
    return [
      {
        type: 'TerminalQueueReported',
        data: {
          terminalId: command.terminalId,
          queuedSales: command.queuedSales,
          oldestQueuedAt,
          reportedAt: command.reportedAt,
        },
      },
    ];
  },
  evolve(_state, event) {
    const { queuedSales, oldestQueuedAt, reportedAt } = event.data;
    return { queuedSales, oldestQueuedAt, reportedAt };
  },
};
