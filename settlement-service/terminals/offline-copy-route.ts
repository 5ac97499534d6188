import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canteen, canteenDetailsAt, canteenStream } from '../../domain/canteens/canteen.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import { POLICY_REGISTER_STREAM, policyRegister } from '../../domain/policies/policy-register.ts';
import { capHistoryEntryOf, capHistoryFrom } from '../../domain/policy/caps.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import type {
  CountedMeal,
  OfflineCard,
  OfflineCopy,
  OfflineElder,
} from '../../domain/terminals/offline-copy.ts';
import { addDays } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { areaElders, cardsOfElders } from '../../projections/directory/directory-queries.ts';
import { countedSalesOf } from '../../projections/sales/sales-queries.ts';
import { principalOf } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';

const countedMealSchema = z.object({
  saleId: z.string(),
  businessDate: z.string(),
  period: z.string().nullable(),
  subsidised: z.boolean(),
  paidStackGroups: z.array(z.string()).readonly(),
});
const offlineCopySchema = z
  .object({
    terminalId: z.string(),
    canteenId: z.string(),
    generatedAt: z.number().int().describe('when the copy was made, epoch milliseconds'),
    canteen: z.object({
      name: z.string(),
      district: z.string(),
      town: z.string(),
      location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
      periods: z.record(z.string(), z.object({ from: z.string(), to: z.string() })),
      menu: z
        .array(z.object({ itemId: z.string(), name: z.string(), priceFen: z.number().int() }))
        .readonly(),
    }),
    policies: z
      .array(z.any())
      .readonly()
      .describe('the policy documents of docs/policy-language.en.md, as registered'),
    cards: z
      .array(z.object({ cardUid: z.string(), elderId: z.string(), status: z.enum(['active', 'retired']) }))
      .readonly(),
    elders: z
      .array(
        z.object({
          elderId: z.string(),
          maskedName: z.string(),
          birthDate: z.string(),
          categories: z
            .array(z.object({ category: z.string(), from: z.string(), to: z.string().nullable() }))
            .readonly(),
          district: z.string(),
          town: z.string(),
          homeCanteenId: z.string().nullable(),
          deathDate: z.string().nullable(),
          meals: z.array(countedMealSchema).readonly(),
        }),
      )
      .readonly(),
  })
  .meta({ id: 'OfflineCopy' });

/** Elders who ate at the canteen within this many days are in its area, wherever they live. */
const RECENT_DINER_DAYS = 90;

/**
 * The area of a canteen: elders of its district, elders whose home canteen it is, and elders who ate
 * there lately. Their meals count from the earlier of this week's Monday and the month's first day.
 */
async function offlineEldersAndCards(
  db: Kysely<unknown>,
  canteenId: string,
  district: string,
  today: string,
): Promise<{ elders: OfflineElder[]; cards: OfflineCard[] }> {
  const countFrom = capHistoryFrom(today);
  const elders = await areaElders(db, {
    canteenId,
    district,
    dinedSince: addDays(today, -RECENT_DINER_DAYS),
  });
  const ids = elders.map((row) => row.elderId);
  const [cards, meals] = await Promise.all([cardsOfElders(db, ids), countedSalesOf(db, ids, countFrom)]);
  const mealsOf = new Map<string, CountedMeal[]>();
  for (const meal of meals) {
    const list = mealsOf.get(meal.elderId) ?? [];
    list.push({
      saleId: meal.saleId,
      ...capHistoryEntryOf({ businessDate: meal.businessDate, period: meal.period, lines: meal.lines }),
    });
    mealsOf.set(meal.elderId, list);
  }
  return {
    elders: elders.map((row) => ({
      elderId: row.elderId,
      maskedName: maskName(row.name),
      birthDate: row.birthDate,
      categories: row.categories,
      district: row.district,
      town: row.town,
      homeCanteenId: row.homeCanteenId,
      deathDate: row.diedOn,
      meals: mealsOf.get(row.elderId) ?? [],
    })),
    cards,
  };
}

/** The terminal's copy for deciding offline (GET, terminal token, its own terminal only). */
export function offlineCopyRoutes(
  repository: AggregateRepository,
  db: Kysely<unknown>,
  now: () => number,
): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/terminals/:terminalId/offline-copy',
      summary:
        "What a terminal keeps to decide subsidies offline: its canteen, the policies, its area's cards and elders",
      description:
        'Elders of the canteen’s district, those whose home canteen it is and recent diners, with masked names ' +
        'and their meals this week and month (for caps). ID numbers are never included.',
      tags: ['terminals'],
      callers: ['terminal'],
      params: z.object({ terminalId: z.string() }),
      success: { status: 200, schema: offlineCopySchema },
      problems: ['forbidden', 'canteen-unknown'],
    }).implement(async ({ params, request }) => {
      const principal = principalOf(request);
      if (principal.role !== 'terminal' || principal.terminalId !== params.terminalId)
        throw problemFor(
          'forbidden',
          'a terminal reads its own offline copy only',
          {},
          { detail: '终端只能读取自己的脱机资料' },
        );
      const at = now();
      const [canteenState, policies] = await Promise.all([
        repository.load(canteenStream(principal.canteenId), canteen),
        repository.load(POLICY_REGISTER_STREAM, policyRegister),
      ]);
      const details = canteenDetailsAt(canteenState.state, at);
      if (!details) {
        throw problemFor(
          'canteen-unknown',
          `canteen ${principal.canteenId} is not registered`,
          {},
          { detail: `食堂 ${principal.canteenId} 未登记` },
        );
      }
      const area = await offlineEldersAndCards(db, principal.canteenId, details.district, businessDateOf(at));
      const copy: OfflineCopy = {
        terminalId: principal.terminalId,
        canteenId: principal.canteenId,
        generatedAt: at,
        canteen: details,
        policies: policies.state.policies,
        ...area,
      };
      return { status: 200, body: copy };
    }),
  ];
}
