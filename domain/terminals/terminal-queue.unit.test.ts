import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type TerminalQueueEvent, terminalQueue } from './terminal-queue.ts';

const spec = deciderSpec(terminalQueue);
const reported = (
  queuedSales: number,
  oldestQueuedAt: number | null,
  reportedAt: number,
): TerminalQueueEvent => ({
  type: 'TerminalQueueReported',
  data: { terminalId: 't1', queuedSales, oldestQueuedAt, reportedAt },
});
const report = (queuedSales: number, oldestQueuedAt: number | null, reportedAt: number) => ({
  terminalId: 't1',
  queuedSales,
  oldestQueuedAt,
  reportedAt,
});

describe('terminal queue', () => {
  it('records a terminal coming back with sales queued', () => {
    spec
      .given([])
      .when(report(5, 1000, 9000))
      .expect([reported(5, 1000, 9000)]);
  });

  it('records the queue draining, and an empty queue has no oldest sale', () => {
    spec
      .given([reported(5, 1000, 9000)])
      .when(report(2, 3000, 9500))
      .expect([reported(2, 3000, 9500)]);
    spec
      .given([reported(2, 3000, 9500)])
      .when(report(0, 3000, 9900))
      .expect([reported(0, null, 9900)]);
  });

  it('records nothing when the same queue is reported again soon', () => {
    spec
      .given([reported(5, 1000, 9000)])
      .when(report(5, 1000, 9100))
      .expect([]);
  });

  it('records the first report, even of an empty queue', () => {
    spec
      .given([])
      .when(report(0, null, 9100))
      .expect([reported(0, null, 9100)]);
  });

  it('records the same queue again only once the last record is half an hour old', () => {
    const minute = 60_000;
    spec
      .given([reported(5, 1000, 9000)])
      .when(report(5, 1000, 9000 + 29 * minute))
      .expect([]);
    spec
      .given([reported(0, null, 9000)])
      .when(report(0, null, 9000 + 30 * minute))
      .expect([reported(0, null, 9000 + 30 * minute)]);
  });
});
