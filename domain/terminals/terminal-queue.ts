import type { Decider } from '../decider.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

export const terminalQueueStream = (terminalId: string) => `terminal-queue-${terminalId}`;

/**
 * 待同步: how many sales a terminal holds that the service has not yet recorded, as the terminal
 * reports when it reconnects and as its queue drains. Only changes are recorded.
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
}

export const terminalQueue: Decider<ReportQueue, TerminalQueueEvent, TerminalQueueState> = {
  initialState: { queuedSales: 0, oldestQueuedAt: null },
  decide(command, state) {
    const oldestQueuedAt = command.queuedSales === 0 ? null : command.oldestQueuedAt;
    if (command.queuedSales === state.queuedSales && oldestQueuedAt === state.oldestQueuedAt) return [];
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
    return { queuedSales: event.data.queuedSales, oldestQueuedAt: event.data.oldestQueuedAt };
  },
};
