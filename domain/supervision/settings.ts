import { z } from 'zod';
import { type FieldWords, fieldWordsOf } from '../problems/issue-words.ts';

/*
 * Every threshold has an upper bound as well: a setting far past any sensible value would switch its
 * check off unnoticed (a grace of 1e9 minutes), and the windows also bound what the checks keep.
 */
const positive = (max: number) => z.number().positive().max(max);
const count = (max: number) => z.number().int().min(1).max(max);
const whole = (min: number, max: number) => z.number().int().min(min).max(max);
const between = (min: number, max: number) => z.number().min(min).max(max);

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
    lateArrivalDays: whole(0, 31).default(7),
    impossibleTravel: z
      .object({
        /** Faster than this between two taps of one card is not plausible in a city. */
        maxSpeedKmh: positive(1000).default(60),
        /** Canteens closer than this are treated as neighbours: any time between taps will do. */
        minDistanceKm: between(0, 100).default(3),
        /** Taps further apart in time than this are not compared. */
        windowHours: positive(48).default(12),
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
        lateDeathDays: whole(0, 366).default(31),
      })
      .strict()
      .prefault({}),
    openingHours: z
      .object({
        /** Minutes before a period opens and after it ends that still count as open. */
        graceMinutes: whole(0, 240).default(15),
      })
      .strict()
      .prefault({}),
    regularCounts: z
      .object({
        /** Open days (with at least one sale) in a row that are compared. */
        windowDays: whole(3, 60).default(14),
        /** Standard deviation over mean of the daily subsidised counts below which they are too regular. */
        maxCoefficientOfVariation: between(0, 1).default(0.05),
        /** Canteens serving fewer subsidised meals a day than this on average are not judged. */
        minMeanCount: positive(10_000).default(10),
      })
      .strict()
      .prefault({}),
    areaExcess: z
      .object({
        /** Alert when a day's distinct subsidised elders exceed this multiple of those registered in the canteen's town. */
        multipleOfRegistered: positive(100).default(1),
        /**
         * Days with fewer subsidised elders than this are not judged: where elders may eat at any
         * canteen (全城通), a few from other towns at a small canteen are normal.
         */
        minElders: count(100_000).default(10),
      })
      .strict()
      .prefault({}),
    rapidTapping: z
      .object({
        /** This many different cards … */
        cards: whole(2, 1000).default(10),
        /** … tapped by one cashier (or terminal without cashier) within this many seconds. */
        windowSeconds: positive(3600).default(120),
      })
      .strict()
      .prefault({}),
    voidRate: z
      .object({
        /** A day's void rate above this multiple of the canteen's usual rate … */
        multiple: positive(100).default(3),
        /** … where the usual rate is never taken below this floor … */
        floorRate: between(0, 1).default(0.03),
        /** … counted over this many earlier open days … */
        baselineDays: count(90).default(28),
        /** … and only on days with at least this many sales and this many voids. */
        minSales: count(100_000).default(20),
        minVoids: count(100_000).default(4),
      })
      .strict()
      .prefault({}),
    voidRatePeers: z
      .object({
        /** A canteen's void share over its last this many open days (all of them, flagged or not) … */
        windowDays: count(60).default(14),
        /** … above this multiple of its peers' share over the same dates (never below `voidRate.floorRate`) … */
        multiple: positive(100).default(3),
        /** … where the peers are the canteens whose mean daily sales are within this factor of its own … */
        sizeFactor: between(1, 100).default(2),
        /** … when there are at least this many of them; otherwise every other canteen of the city … */
        minPeers: count(10_000).default(3),
        /** … is judged once the window holds at least this many sales and this many voids. */
        minSales: count(1_000_000).default(60),
        minVoids: count(1_000_000).default(10),
      })
      .strict()
      .prefault({}),
    voidAfterClose: z
      .object({
        /** The day closes this long after the end of the canteen's last period. */
        graceMinutes: whole(0, 720).default(60),
        /** A void this many days or more after the sale's day is high severity. */
        highAfterDays: count(366).default(2),
        /**
         * A counter's own time for a void (an offline counter syncing) is believed when the void
         * reaches the service within this many hours of it; later, the time it was recorded is
         * judged, so that a counter cannot hide a late void by claiming an early time. Voids
         * recorded by the bureau (replaying its history) are judged by the time they give.
         */
        counterClockHours: between(0, 168).default(24),
      })
      .strict()
      .prefault({}),
    offlineOverCap: z
      .object({
        /** Over-cap subsidy of at least this many fen in one sale is medium severity, below it low. */
        mediumFromFen: whole(0, 1_000_000).default(500),
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
