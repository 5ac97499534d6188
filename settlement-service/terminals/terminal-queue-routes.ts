import { z } from 'zod';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import {
  type ReportQueue,
  terminalQueue,
  terminalQueueStream,
} from '../../domain/terminals/terminal-queue.ts';
import { principalOf } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import { instantSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';

/** A terminal says how many sales it still holds (on reconnecting and as its queue drains). */
export function terminalQueueRoutes(repository: AggregateRepository, now: () => number): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: '/api/v1/terminals/:terminalId/queue',
      summary: 'Report the sales a terminal holds that are not yet sent (only changes are recorded)',
      tags: ['terminals'],
      callers: ['terminal'],
      params: z.object({ terminalId: z.string() }),
      body: z.strictObject({
        queuedSales: z.number().int().min(0).max(1_000_000),
        oldestQueuedAt: instantSchema.optional().describe('when the oldest queued sale was made'),
      }),
      success: { status: 200, schema: z.object({ terminalId: z.string(), queuedSales: z.number() }) },
      problems: ['forbidden'],
    }).implement(async ({ params, body, request }) => {
      const principal = principalOf(request);
      if (principal.role !== 'terminal' || principal.terminalId !== params.terminalId)
        throw problemFor(
          'forbidden',
          'a terminal reports its own queue only',
          {},
          { detail: '终端只能报告自己的待传队列' },
        );
      const command: ReportQueue = {
        terminalId: params.terminalId,
        queuedSales: body.queuedSales,
        oldestQueuedAt: body.oldestQueuedAt ?? null,
        reportedAt: now(),
      };
      await retryOnConflict(async () => {
        const stream = terminalQueueStream(params.terminalId);
        const { state, expectedRevision } = await repository.load(stream, terminalQueue);
        await repository.append(stream, terminalQueue.decide(command, state), expectedRevision, {
          actor: { type: 'terminal', terminalId: params.terminalId },
          correlationId: `queue:${params.terminalId}:${command.reportedAt}`,
        });
      });
      return { status: 200, body: { terminalId: params.terminalId, queuedSales: body.queuedSales } };
    }),
  ];
}
