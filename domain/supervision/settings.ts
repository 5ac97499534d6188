import { z } from 'zod';
import { type FieldWords, fieldWordsOf } from '../problems/issue-words.ts';

const positive = () => z.number().positive();
const count = () => z.number().int().min(1);

/**
 * 监管阈值: the thresholds of the fraud checks. Every field has a default; a bureau overrides only
 * what it wants to, and unknown fields are refused so that a misspelt setting is never ignored.
 */
const settingsSchema = z
  .object({
    /**
     * 迟到天数: sales reach the checks up to this many business dates after the latest one seen (an
     * offline counter syncing late). What such a sale is compared with (taps, sales of a card, canteen
     * and cashier days) is kept that long and then forgotten; a sale later still is checked against
     * what is kept but not counted in its day.
     */
    lateArrivalDays: z.number().int().min(0).default(7),
    impossibleTravel: z
      .object({
        /** Faster than this between two taps of one card is not plausible in a city. */
        maxSpeedKmh: positive().default(60),
        /** Canteens closer than this are treated as neighbours: any time between taps will do. */
        minDistanceKm: z.number().min(0).default(3),
        /** Taps further apart in time than this are not compared. */
        windowHours: positive().default(12),
      })
      .strict()
      .prefault({}),
    afterDeath: z
      .object({
        /**
         * A death is often recorded weeks after it happened: each elder's meals of this many business
         * dates before the latest are kept to be matched with it. Meals after a recorded death are
         * raised whenever they arrive.
         */
        lateDeathDays: z.number().int().min(0).default(31),
      })
      .strict()
      .prefault({}),
    openingHours: z
      .object({
        /** Minutes before a period opens and after it ends that still count as open. */
        graceMinutes: z.number().int().min(0).default(15),
      })
      .strict()
      .prefault({}),
    regularCounts: z
      .object({
        /** Open days (with at least one sale) in a row that are compared. */
        windowDays: z.number().int().min(3).default(14),
        /** Standard deviation over mean of the daily subsidised counts below which they are too regular. */
        maxCoefficientOfVariation: z.number().min(0).default(0.05),
        /** Canteens serving fewer subsidised meals a day than this on average are not judged. */
        minMeanCount: positive().default(10),
      })
      .strict()
      .prefault({}),
    areaExcess: z
      .object({
        /** Alert when a day's distinct subsidised elders exceed this multiple of those registered in the canteen's town. */
        multipleOfRegistered: positive().default(1),
        /**
         * Days with fewer subsidised elders than this are not judged: where elders may eat at any
         * canteen (全城通), a few from other towns at a small canteen are normal.
         */
        minElders: count().default(10),
      })
      .strict()
      .prefault({}),
    rapidTapping: z
      .object({
        /** This many different cards … */
        cards: z.number().int().min(2).default(10),
        /** … tapped by one cashier (or terminal without cashier) within this many seconds. */
        windowSeconds: positive().default(120),
      })
      .strict()
      .prefault({}),
    voidRate: z
      .object({
        /** A day's void rate above this multiple of the canteen's usual rate … */
        multiple: positive().default(3),
        /** … where the usual rate is never taken below this floor … */
        floorRate: z.number().min(0).max(1).default(0.03),
        /** … counted over this many earlier open days … */
        baselineDays: count().default(28),
        /** … and only on days with at least this many sales and this many voids. */
        minSales: count().default(20),
        minVoids: count().default(4),
      })
      .strict()
      .prefault({}),
    voidRatePeers: z
      .object({
        /** A canteen's void share over its last this many open days (all of them, flagged or not) … */
        windowDays: count().default(14),
        /** … above this multiple of its peers' share over the same dates (never below `voidRate.floorRate`) … */
        multiple: positive().default(3),
        /** … where the peers are the canteens whose mean daily sales are within this factor of its own … */
        sizeFactor: z.number().min(1).default(2),
        /** … when there are at least this many of them; otherwise every other canteen of the city … */
        minPeers: count().default(3),
        /** … is judged once the window holds at least this many sales and this many voids. */
        minSales: count().default(60),
        minVoids: count().default(10),
      })
      .strict()
      .prefault({}),
    voidAfterClose: z
      .object({
        /** The day closes this long after the end of the canteen's last period. */
        graceMinutes: z.number().int().min(0).default(60),
        /** A void this many days or more after the sale's day is high severity. */
        highAfterDays: count().default(2),
        /**
         * A counter's own time for a void (an offline counter syncing) is believed when the void
         * reaches the service within this many hours of it; later, the time it was recorded is
         * judged, so that a counter cannot hide a late void by claiming an early time. Voids
         * recorded by the bureau (replaying its history) are judged by the time they give.
         */
        counterClockHours: z.number().min(0).default(24),
      })
      .strict()
      .prefault({}),
    offlineOverCap: z
      .object({
        /** Over-cap subsidy of at least this many fen in one sale is medium severity, below it low. */
        mediumFromFen: z.number().int().min(0).default(500),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type SupervisionSettings = z.output<typeof settingsSchema>;
export type SupervisionSettingsInput = z.input<typeof settingsSchema>;

export const DEFAULT_SUPERVISION_SETTINGS: SupervisionSettings = settingsSchema.parse({});

/** A refused setting, in both languages. */
export type SettingsIssue = FieldWords;

export type SettingsParseResult =
  | { readonly ok: true; readonly settings: SupervisionSettings }
  | { readonly ok: false; readonly issues: readonly SettingsIssue[] };

/** Checks and reads supervision settings, filling every default; `undefined` gives the defaults. */
export function parseSupervisionSettings(input: unknown): SettingsParseResult {
  const parsed = settingsSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    issues: fieldWordsOf(parsed.error.issues),
  };
}
