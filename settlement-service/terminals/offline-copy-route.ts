import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { canteen, canteenDetailsAt, canteenStream } from '../../domain/canteens/canteen.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import { POLICY_REGISTER_STREAM, policyRegister } from '../../domain/policies/policy-register.ts';
import { capHistoryEntryOf } from '../../domain/policy/decide-subsidy.ts';
import type { CategoryHolding } from '../../domain/policy/meal-facts.ts';
import type { MealPeriod } from '../../domain/policy/policy-types.ts';
import type { SubsidyLine } from '../../domain/policy/subsidy-lines.ts';
import type {
  CountedMeal,
  OfflineCard,
  OfflineCopy,
  OfflineElder,
} from '../../domain/terminals/offline-copy.ts';
import { addDays, isoWeekdayOf } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { principalOf } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { problemFor } from '../http/problem-catalogue.ts';
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
    policies: z.array(z.any()).readonly().describe('the policy documents of POLICY.md, as registered'),
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

interface ElderRow {
  elder_id: string;
  name: string;
  birth_date: string;
  district: string;
  town: string;
  home_canteen_id: string | null;
  categories: CategoryHolding[];
  died_on: string | null;
}

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
  const monday = addDays(today, 1 - isoWeekdayOf(today));
  const firstOfMonth = `${today.slice(0, 8)}01`;
  const countFrom = monday < firstOfMonth ? monday : firstOfMonth;
  const { rows: elders } = await sql<ElderRow>`
    SELECT elder_id, name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, district, town, home_canteen_id,
      categories, to_char(died_on, 'YYYY-MM-DD') AS died_on
      FROM read_models.elders
     WHERE district = ${district} OR home_canteen_id = ${canteenId}
        OR elder_id IN (SELECT elder_id FROM read_models.sales
                         WHERE canteen_id = ${canteenId} AND elder_id IS NOT NULL
                           AND business_date >= ${addDays(today, -RECENT_DINER_DAYS)}::date)
     ORDER BY elder_id`.execute(db);
  const ids = elders.map((row) => row.elder_id);
  const [{ rows: cards }, { rows: meals }] = await Promise.all([
    sql<{ card_uid: string; elder_id: string; status: 'active' | 'retired' }>`
      SELECT card_uid, elder_id, status FROM read_models.cards WHERE elder_id = ANY(${ids}) ORDER BY card_uid`.execute(
      db,
    ),
    sql<{
      sale_id: string;
      elder_id: string;
      business_date: string;
      period: MealPeriod | null;
      lines: SubsidyLine[];
    }>`
      SELECT sale_id, elder_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, period, lines
        FROM read_models.sales
       WHERE elder_id = ANY(${ids}) AND business_date >= ${countFrom}::date AND NOT voided
       ORDER BY recorded_at`.execute(db),
  ]);
  const mealsOf = new Map<string, CountedMeal[]>();
  for (const meal of meals) {
    const list = mealsOf.get(meal.elder_id) ?? [];
    list.push({
      saleId: meal.sale_id,
      ...capHistoryEntryOf({ businessDate: meal.business_date, period: meal.period, lines: meal.lines }),
    });
    mealsOf.set(meal.elder_id, list);
  }
  return {
    elders: elders.map((row) => ({
      elderId: row.elder_id,
      maskedName: maskName(row.name),
      birthDate: row.birth_date,
      categories: row.categories,
      district: row.district,
      town: row.town,
      homeCanteenId: row.home_canteen_id,
      deathDate: row.died_on,
      meals: mealsOf.get(row.elder_id) ?? [],
    })),
    cards: cards.map((row) => ({ cardUid: row.card_uid, elderId: row.elder_id, status: row.status })),
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
        throw problemFor('forbidden', 'a terminal reads its own offline copy only');
      const at = now();
      const [canteenState, policies] = await Promise.all([
        repository.load(canteenStream(principal.canteenId), canteen),
        repository.load(POLICY_REGISTER_STREAM, policyRegister),
      ]);
      const details = canteenDetailsAt(canteenState.state, at);
      if (!details) throw problemFor('canteen-unknown', principal.canteenId);
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
