import type { Kysely } from 'kysely';
import { z } from 'zod';
import { fundingSource, fundingSourceStream } from '../../domain/funding-sources/funding-source.ts';
import { listFundingSources } from '../../projections/names/names-queries.ts';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';

const nameSchema = z.string().trim().min(1).max(64);

const namedSchema = z
  .object({ sourceId: z.string(), name: z.string(), nameEn: z.string().nullable() })
  .meta({ id: 'FundingSourceName' });

/**
 * 资金来源: the bureau names the funding sources its policies draw on, so that statements, exports and
 * pages print `城市福利彩票公益金` where a policy says `city-welfare-lottery`. Naming is registration
 * (the write side only); the list reads the `names` read model.
 */
export function fundingSourceNamingRoutes(repository: AggregateRepository): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: '/api/v1/funding-sources/:sourceId',
      summary: 'Name a funding source (or rename it); the same name again records nothing',
      tags: ['policies'],
      callers: ['admin'],
      params: z.object({ sourceId: idSchema }),
      body: z
        .strictObject({
          name: nameSchema.describe('the name printed on statements, exports and pages'),
          nameEn: nameSchema.optional().describe('the name on English pages'),
        })
        .meta({ id: 'FundingSourceNaming' }),
      success: { status: [201, 200], schema: namedSchema },
      problems: [],
    }).implement(async ({ params, body, request }) => {
      const context = {
        actor: actorOf(principalOf(request)),
        correlationId: request.get('x-request-id') ?? crypto.randomUUID(),
      };
      const command = { sourceId: params.sourceId, name: body.name, nameEn: body.nameEn ?? null };
      const recorded = await retryOnConflict(async () => {
        const stream = fundingSourceStream(params.sourceId);
        const { state, expectedRevision } = await repository.load(stream, fundingSource);
        const events = fundingSource.decide(command, state);
        await repository.append(stream, events, expectedRevision, context);
        return events.length > 0;
      });
      return { status: recorded ? 201 : 200, body: command };
    }),
  ];
}

/** Every funding source with its name and the policies using it, from the read model. */
export function fundingSourceListRoutes(db: Kysely<unknown>): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/funding-sources',
      summary:
        'Every funding source named or used by a registered policy, with its name and the policies using it',
      tags: ['policies'],
      callers: ['admin', 'reviewer', 'auditor'],
      success: {
        status: 200,
        schema: z.object({
          fundingSources: z.array(
            z.object({
              sourceId: z.string(),
              name: z.string().nullable().describe('null until the source is named'),
              nameEn: z.string().nullable(),
              policies: z.array(z.string()),
              policyNames: z.record(z.string(), z.string()).describe("the policies' names by id"),
            }),
          ),
        }),
      },
      problems: [],
    }).implement(async () => ({
      status: 200,
      body: { fundingSources: await listFundingSources(db) },
    })),
  ];
}
