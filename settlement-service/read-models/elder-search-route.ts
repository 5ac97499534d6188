import type { Kysely } from 'kysely';
import { z } from 'zod';
import { maskName, parseNationalId } from '../../domain/identity/national-id.ts';
import { searchElders } from '../../projections/directory/directory-queries.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import type { PiiVault } from '../security/pii-vault.ts';

const foundElderSchema = z.object({
  elderId: z.string(),
  maskedName: z.string().describe('张*明: the name as receipts print it'),
  maskedIdNumber: z.string().describe('1101**********1234'),
  district: z.string(),
  town: z.string(),
  homeCanteenId: z.string().nullable(),
  cardUid: z.string().nullable().describe('the card in use; null when the elder has none'),
  categories: z.array(z.object({ category: z.string(), from: z.string(), to: z.string().nullable() })),
  status: z.enum(['alive', 'died']),
  diedOn: z.string().nullable(),
});

/** 老人检索 (docs/api.en.md, "Finding elders"): by name fragment, card or ID number, paged. */
export function elderSearchRoutes(db: Kysely<unknown>, vault: PiiVault): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/elders',
      summary:
        'Find elders by a fragment of the name, the card in use or the full ID number; every elder when q is empty',
      description:
        'The ID number is looked up by its keyed hash and never answered in clear; names come masked. Paged by elder id: pass `next` as `after`.',
      tags: ['elders'],
      callers: ['admin', 'reviewer', 'auditor'],
      query: z.object({
        q: z
          .string()
          .max(64)
          .default('')
          .describe('a name fragment, a card UID or an 18-character ID number'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        after: idSchema.optional().describe('the `next` of the page before'),
      }),
      success: {
        status: 200,
        schema: z.object({ elders: z.array(foundElderSchema), next: z.string().nullable() }),
      },
      problems: [],
    }).implement(async ({ query }) => {
      const text = query.q.trim();
      const idNumber = parseNationalId(text);
      const { elders, next } = await searchElders(db, {
        text,
        idLookupHash: idNumber.ok ? vault.lookupHash(idNumber.value.normalized) : null,
        limit: query.limit,
        after: query.after ?? null,
      });
      return {
        status: 200,
        body: {
          elders: elders.map((found) => ({
            elderId: found.elderId,
            maskedName: maskName(found.name),
            maskedIdNumber: found.idNumberMasked,
            district: found.district,
            town: found.town,
            homeCanteenId: found.homeCanteenId,
            cardUid: found.cardUid,
            categories: found.categories.map(({ category, from, to }) => ({
              category,
              from,
              to: to ?? null,
            })),
            status: found.diedOn === null ? 'alive' : 'died',
            diedOn: found.diedOn,
          })),
          next,
        },
      };
    }),
  ];
}
