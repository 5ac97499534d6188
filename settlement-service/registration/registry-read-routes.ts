import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type CanteenDetails, canteen, canteenStream } from '../../domain/canteens/canteen.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import { notRegistered } from '../../domain/problems/problem-catalogue.ts';
import { type EpochMs, formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';
import { elderRecord, listCanteens } from '../../projections/directory/directory-queries.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';

const fen = z.number().int().describe('integer fen');
const instant = z.string().describe('ISO 8601 instant in Asia/Shanghai, e.g. 2026-11-01T00:00:00+08:00');
const locationSchema = z.object({ lat: z.number(), lng: z.number() }).nullable();

const elderSchema = z
  .object({
    elderId: z.string(),
    maskedName: z.string().describe('the name with all but the surname and the last character masked'),
    maskedIdNumber: z.string(),
    district: z.string(),
    town: z.string(),
    homeCanteenId: z.string().nullable(),
    homeCanteenName: z.string().nullable(),
    categories: z.array(z.object({ category: z.string(), from: z.string(), to: z.string().nullable() })),
    cardUid: z.string().nullable().describe('the card in use; null before the first card'),
    cards: z
      .array(
        z.object({
          cardUid: z.string(),
          status: z.enum(['active', 'retired']),
          assignedFrom: instant
            .nullable()
            .describe('null: the first card, which counts for earlier sales too'),
          retiredFrom: instant.nullable(),
        }),
      )
      .describe('every card the elder holds or held, the one in use first'),
    status: z.enum(['alive', 'died']),
    diedOn: z.string().nullable(),
    registeredAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ElderRecord' });

const hoursSchema = z.object({ from: z.string(), to: z.string() });
const detailsShape = {
  name: z.string(),
  district: z.string(),
  town: z.string(),
  location: locationSchema,
  periods: z.object({
    breakfast: hoursSchema.optional(),
    lunch: hoursSchema.optional(),
    dinner: hoursSchema.optional(),
  }),
  menu: z.array(z.object({ itemId: z.string(), name: z.string(), priceFen: fen })),
  closedDays: z
    .object({ weekdays: z.array(z.number().int()), dates: z.array(z.string()) })
    .describe('ISO weekdays (1 Monday … 7 Sunday) and dates; none when the canteen opens every day'),
};

const canteenSchema = z
  .object({
    canteenId: z.string(),
    ...detailsShape,
    effectiveFrom: instant
      .nullable()
      .describe('when the details in force took effect; null: since the canteen was registered'),
    scheduled: z
      .array(z.object({ effectiveFrom: instant, ...detailsShape }))
      .describe('changes registered to take effect later, in the order they take effect'),
  })
  .meta({ id: 'CanteenRecord' });

const canteenListSchema = z.object({
  canteens: z.array(
    z.object({
      canteenId: z.string(),
      name: z.string(),
      district: z.string(),
      town: z.string(),
      location: locationSchema,
    }),
  ),
});

const BUREAU = ['admin', 'reviewer', 'auditor'];

/** 登记簿: elders and canteens as registered, for the bureau's registry pages. */
export function registryReadRoutes(
  repository: AggregateRepository,
  db: Kysely<unknown>,
  now: () => number,
): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/elders/:elderId',
      summary: 'An elder as registered (老人档案): masked name and ID number, area, categories, cards, death',
      description: 'From the read models, a moment behind the events.',
      tags: ['elders'],
      callers: BUREAU,
      params: z.object({ elderId: idSchema }),
      success: { status: 200, schema: elderSchema },
      problems: ['not-found'],
    }).implement(async ({ params }) => {
      const elder = await elderRecord(db, params.elderId);
      if (!elder) throw notRegistered('elder', params.elderId);
      return {
        status: 200,
        body: {
          elderId: elder.elderId,
          maskedName: maskName(elder.name),
          maskedIdNumber: elder.idNumberMasked,
          district: elder.district,
          town: elder.town,
          homeCanteenId: elder.homeCanteenId,
          homeCanteenName: elder.homeCanteenName,
          categories: elder.categories.map((holding) => ({ ...holding, to: holding.to ?? null })),
          cardUid: elder.cardUid,
          cards: elder.cards.map((card) => ({
            cardUid: card.cardUid,
            status: card.status,
            assignedFrom: card.assignedFrom,
            retiredFrom: card.retiredFrom,
          })),
          status: elder.diedOn === null ? 'alive' : 'died',
          diedOn: elder.diedOn,
          registeredAt: elder.registeredAt,
          updatedAt: elder.updatedAt,
        },
      };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/canteens',
      summary: 'The registered canteens (食堂), by id',
      description: 'From the read models, a moment behind the events.',
      tags: ['canteens'],
      callers: BUREAU,
      success: { status: 200, schema: canteenListSchema },
      problems: [],
    }).implement(async () => ({ status: 200, body: { canteens: await listCanteens(db) } })),

    defineRoute({
      method: 'get',
      path: '/api/v1/canteens/:canteenId',
      summary:
        'A canteen as registered: details, periods, menu with prices, closed days in force, and changes to come',
      tags: ['canteens'],
      callers: BUREAU,
      params: z.object({ canteenId: idSchema }),
      success: { status: 200, schema: canteenSchema },
      problems: ['not-found'],
    }).implement(async ({ params }) => {
      const { state } = await repository.load(canteenStream(params.canteenId), canteen);
      if (state.status !== 'registered') throw notRegistered('canteen', params.canteenId);
      const { current, scheduled } = versionsAround(state.versions, now());
      return {
        status: 200,
        body: {
          canteenId: params.canteenId,
          ...detailsOf(current.details),
          effectiveFrom: current.effectiveFrom === null ? null : formatShanghaiInstant(current.effectiveFrom),
          scheduled: scheduled.map((version) => ({
            effectiveFrom: formatShanghaiInstant(version.effectiveFrom),
            ...detailsOf(version.details),
          })),
        },
      };
    }),
  ];
}

interface Version {
  readonly effectiveFrom: EpochMs | null;
  readonly details: CanteenDetails;
}

/**
 * The version in force at `at` (as `canteenDetailsAt` picks it: the last recorded that has taken
 * effect) and the later ones that will take effect, in the order they will: a version recorded
 * after another and taking effect no later never lets the earlier one take effect.
 */
export function versionsAround(
  versions: readonly Version[],
  at: EpochMs,
): { current: Version; scheduled: { effectiveFrom: EpochMs; details: CanteenDetails }[] } {
  let currentIndex = 0;
  versions.forEach((version, index) => {
    if (version.effectiveFrom === null || version.effectiveFrom <= at) currentIndex = index;
  });
  const scheduled = versions
    .slice(currentIndex + 1)
    .flatMap((version, offset, later) => {
      const from = version.effectiveFrom;
      if (from === null) return [];
      const overtaken = later
        .slice(offset + 1)
        .some((next) => next.effectiveFrom !== null && next.effectiveFrom <= from);
      return overtaken ? [] : [{ effectiveFrom: from, details: version.details }];
    })
    .sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  const current = versions[currentIndex];
  if (!current) throw new Error('a registered canteen has at least one version');
  return { current, scheduled };
}

function detailsOf(details: CanteenDetails) {
  return {
    name: details.name,
    district: details.district,
    town: details.town,
    location: details.location === null ? null : { lat: details.location.lat, lng: details.location.lng },
    periods: { ...details.periods },
    menu: details.menu.map((item) => ({ itemId: item.itemId, name: item.name, priceFen: item.priceFen })),
    closedDays: {
      weekdays: [...(details.closedDays?.weekdays ?? [])],
      dates: [...(details.closedDays?.dates ?? [])],
    },
  };
}
