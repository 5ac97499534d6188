import { canonicalJson } from '../canonical-json.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import { add, type Fen } from '../money.ts';
import { capHistoryEntryOf } from '../policy/caps.ts';
import type { CategoryHolding, ElderFacts } from '../policy/meal-facts.ts';
import type { MealPeriod } from '../policy/policy-types.ts';
import type { SubsidyLine } from '../policy/subsidy-lines.ts';
import type { MealSoldData } from '../sales/sale-events.ts';
import type { BusinessDate } from '../time/calendar.ts';
import type { EpochMs } from '../time/shanghai-time.ts';
import { type Allowance, EMPTY_ALLOWANCE, withMeal, withVoided } from './allowance.ts';

export const elderStream = (elderId: string) => `elder-${elderId}`;

/**
 * 身份证号 as the domain keeps it: never in clear. The edge seals it with the bureau's key, keeps a
 * keyed hash to find elders by it, and a masked form for people to read.
 */
export interface ProtectedIdNumber {
  readonly sealed: string;
  readonly lookupHash: string;
  readonly masked: string;
}

/** 老人档案: what the bureau registers about an elder. */
export interface ElderProfile {
  readonly name: string;
  /** Taken from the ID number. */
  readonly birthDate: BusinessDate;
  readonly idNumber: ProtectedIdNumber;
  /** 区 and 街镇 of residence. */
  readonly district: string;
  readonly town: string;
  /** 签约食堂 */
  readonly homeCanteenId: string | null;
  /** 补贴类别 with their dates (低保, 特困, 失能 …). */
  readonly categories: readonly CategoryHolding[];
}

export type ElderEvent =
  | {
      readonly type: 'ElderRegistered';
      readonly data: { readonly elderId: string; readonly profile: ElderProfile };
    }
  | {
      readonly type: 'ElderProfileChanged';
      readonly data: {
        readonly elderId: string;
        readonly profile: ElderProfile;
        readonly effectiveFrom: EpochMs;
      };
    }
  | {
      readonly type: 'CardBound';
      readonly data: {
        readonly elderId: string;
        readonly cardUid: string;
        readonly previousCardUid: string | null;
        readonly effectiveFrom: EpochMs | null;
      };
    }
  | { readonly type: 'ElderDied'; readonly data: { readonly elderId: string; readonly date: BusinessDate } }
  | {
      readonly type: 'MealSubsidyDecided';
      readonly data: {
        readonly elderId: string;
        readonly saleId: string;
        readonly businessDate: BusinessDate;
        readonly period: MealPeriod | null;
        /** The reimbursable lines; an offline sale's are cut to what the terminal applied. */
        readonly lines: readonly SubsidyLine[];
        /** Offline subsidy the elder owes the canteen (`offlineExcess: elder-owes`). */
        readonly owedFen: Fen;
        /** The sale as decided: recorded here too, so that the decision is never made twice. */
        readonly sale: MealSoldData;
      };
    }
  | {
      readonly type: 'MealSubsidyVoided';
      readonly data: {
        readonly elderId: string;
        readonly saleId: string;
        /** The voided meal's business date (absent in voids recorded before it was kept). */
        readonly businessDate?: BusinessDate;
      };
    };

/** Offline subsidy an elder owes a canteen for one sale (`offlineExcess: elder-owes`). */
export interface OwedForSale {
  readonly saleId: string;
  readonly fen: Fen;
}

export type ElderState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly elderId: string;
      /** The revision of the last event folded in: the revision to expect when appending. */
      readonly version: number;
      readonly profiles: readonly {
        readonly effectiveFrom: EpochMs | null;
        readonly profile: ElderProfile;
      }[];
      readonly cardUid: string | null;
      readonly deathDate: BusinessDate | null;
      /** The decided meals of the months at hand, by business month. */
      readonly allowance: Allowance;
      /** Offline subsidy owed to canteens (`elder-owes`) not yet shown at a sale, sale by sale. */
      readonly owedNotShown: readonly OwedForSale[];
    };

export type RegisteredElder = Extract<ElderState, { status: 'registered' }>;

export type ElderCommand =
  | {
      readonly type: 'RegisterElder';
      readonly elderId: string;
      readonly profile: ElderProfile;
      readonly effectiveFrom: EpochMs;
      /** The elder registered under this ID number already, if any other. */
      readonly sameIdNumberElderId: string | null;
    }
  | {
      /**
       * 补贴类别 changed alone (低保 granted, 特困 ended …), without the name and ID number the full
       * registration asks for. Allowed after death too: the bureau corrects the history of its holdings.
       */
      readonly type: 'ChangeCategories';
      readonly categories: readonly CategoryHolding[];
      readonly effectiveFrom: EpochMs;
    }
  | { readonly type: 'BindCard'; readonly cardUid: string; readonly at: EpochMs }
  | {
      readonly type: 'RecordDeath';
      readonly date: BusinessDate;
      /** The business date the death is recorded on: a death cannot lie after it. */
      readonly today: BusinessDate;
    };

export const elder: Decider<ElderCommand, ElderEvent, ElderState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterElder': {
        if (command.sameIdNumberElderId !== null && command.sameIdNumberElderId !== command.elderId) {
          throw new DomainError(
            'conflict',
            'id-number-taken',
            {
              en: `this ID number is registered for elder ${command.sameIdNumberElderId}`,
              zh: `该身份证号已登记给老人 ${command.sameIdNumberElderId}`,
            },
            'idNumber',
          );
        }
        if (state.status === 'unregistered') {
          return [{ type: 'ElderRegistered', data: { elderId: command.elderId, profile: command.profile } }];
        }
        const current = currentProfile(state);
        if (current && sameProfile(current, command.profile)) return [];
        return [
          {
            type: 'ElderProfileChanged',
            data: {
              elderId: command.elderId,
              profile: command.profile,
              effectiveFrom: command.effectiveFrom,
            },
          },
        ];
      }
      case 'ChangeCategories': {
        const registered = requireRegistered(state);
        const [problem] = categoryProblems(command.categories);
        if (problem) {
          throw new DomainError(
            'invalid',
            'invalid-body',
            { en: problem.message, zh: problem.messageZh },
            `categories[${problem.index}].${problem.field}`,
          );
        }
        const latest = registered.profiles.at(-1);
        if (!latest) throw new Error(`elder ${registered.elderId} has no profile`);
        if (sameCategories(latest.profile.categories, command.categories)) return [];
        return [
          {
            type: 'ElderProfileChanged',
            data: {
              elderId: registered.elderId,
              // The profile recorded last, with the new categories: a move registered to take effect
              // later is kept, and takes effect when it was to (never earlier).
              profile: { ...latest.profile, categories: command.categories },
              effectiveFrom: Math.max(command.effectiveFrom, latest.effectiveFrom ?? command.effectiveFrom),
            },
          },
        ];
      }
      case 'BindCard': {
        const registered = requireRegistered(state);
        if (registered.cardUid === command.cardUid) return [];
        return [
          {
            type: 'CardBound',
            data: {
              elderId: registered.elderId,
              cardUid: command.cardUid,
              previousCardUid: registered.cardUid,
              // An elder's first card counts for earlier sales too (a bureau migrating its history).
              effectiveFrom: registered.cardUid === null ? null : command.at,
            },
          },
        ];
      }
      case 'RecordDeath': {
        const registered = requireRegistered(state);
        if (registered.deathDate === command.date) return [];
        const refuse = (en: string, zh: string) =>
          new DomainError('invalid', 'invalid-body', { en, zh }, 'date');
        if (command.date > command.today)
          throw refuse(
            `a death date cannot lie after today (${command.today})`,
            `死亡日期不能晚于今天(${command.today})`,
          );
        const birthDate = currentProfile(registered)?.birthDate;
        if (birthDate !== undefined && command.date < birthDate)
          throw refuse(
            `a death date cannot lie before the birth date (${birthDate})`,
            `死亡日期不能早于出生日期(${birthDate})`,
          );
        return [{ type: 'ElderDied', data: { elderId: registered.elderId, date: command.date } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    if (event.type === 'ElderRegistered') {
      return {
        status: 'registered',
        elderId: event.data.elderId,
        version: 0,
        profiles: [{ effectiveFrom: null, profile: event.data.profile }],
        cardUid: null,
        deathDate: null,
        allowance: EMPTY_ALLOWANCE,
        owedNotShown: [],
      };
    }
    if (state.status !== 'registered') return state;
    const next = { ...state, version: state.version + 1 };
    switch (event.type) {
      case 'ElderProfileChanged':
        return {
          ...next,
          profiles: [
            ...state.profiles,
            { effectiveFrom: event.data.effectiveFrom, profile: event.data.profile },
          ],
        };
      case 'CardBound':
        return { ...next, cardUid: event.data.cardUid };
      case 'ElderDied':
        return { ...next, deathDate: event.data.date };
      case 'MealSubsidyDecided': {
        const { saleId, owedFen, sale } = event.data;
        return {
          ...next,
          allowance: withMeal(state.allowance, {
            saleId,
            revision: next.version,
            voided: false,
            ...capHistoryEntryOf(event.data),
          }),
          // A sale that showed the debt as its notice starts the count afresh.
          owedNotShown: [
            ...(sale.notice ? [] : state.owedNotShown),
            ...(owedFen > 0 ? [{ saleId, fen: owedFen }] : []),
          ],
        };
      }
      case 'MealSubsidyVoided':
        return {
          ...next,
          allowance: withVoided(state.allowance, event.data.saleId, event.data.businessDate),
          // A voided sale's debt is not owed: its notice is not shown.
          owedNotShown: state.owedNotShown.filter((owed) => owed.saleId !== event.data.saleId),
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

/** Offline subsidy the elder owes canteens and has not been told of at a sale yet. */
export function owedNotShownFen(state: RegisteredElder): Fen {
  return add(...state.owedNotShown.map((owed) => owed.fen));
}

export function requireRegistered(state: ElderState): RegisteredElder {
  if (state.status !== 'registered')
    throw new DomainError('not-found', 'not-found', { en: 'no such elder', zh: '没有该老人' });
  return state;
}

/**
 * What is wrong with a list of categories, holding by holding: an end (`to`, exclusive) not after
 * its start. The edge's schemas refuse the same (registration-routes.ts), so a request learns it there.
 */
export function categoryProblems(categories: readonly CategoryHolding[]): {
  readonly index: number;
  readonly field: 'to';
  readonly message: string;
  readonly messageZh: string;
}[] {
  return categories.flatMap((holding, index) =>
    holding.to !== null && holding.to <= holding.from
      ? [{ index, field: 'to' as const, message: CATEGORY_ORDER.en, messageZh: CATEGORY_ORDER.zh }]
      : [],
  );
}

const CATEGORY_ORDER = { en: 'must be after from', zh: '止日(to)须晚于起日(from)' } as const;

/** The same holdings, in whatever order they are listed. */
function sameCategories(a: readonly CategoryHolding[], b: readonly CategoryHolding[]): boolean {
  const sorted = (holdings: readonly CategoryHolding[]) => holdings.map((held) => canonicalJson(held)).sort();
  return canonicalJson(sorted(a)) === canonicalJson(sorted(b));
}

function currentProfile(state: RegisteredElder): ElderProfile | undefined {
  return state.profiles.at(-1)?.profile;
}

/** The profile in force at `at`; the first registration counts for every earlier time too. */
export function elderProfileAt<P>(state: ProfileHistory<P>, at: EpochMs): P {
  let found = state.profiles[0]?.profile;
  for (const version of state.profiles) {
    if (version.effectiveFrom === null || version.effectiveFrom <= at) found = version.profile;
  }
  if (!found) throw new Error(`elder ${state.elderId} has no profile`);
  return found;
}

/** An elder's profiles in the order they were registered, each with when it took effect. */
export interface ProfileHistory<P> {
  readonly elderId: string;
  readonly profiles: readonly { readonly effectiveFrom: EpochMs | null; readonly profile: P }[];
}

/** What of a profile a subsidy decision reads: no name, no ID number. */
export type DecisionProfile = Pick<
  ElderProfile,
  'birthDate' | 'categories' | 'district' | 'town' | 'homeCanteenId'
>;

/**
 * The elder's facts for deciding a meal at `occurredAt`: residence and home canteen as they stood at
 * the sale's time; categories as recorded when the sale is decided (docs/policy-language.en.md, "How one meal is decided").
 */
export function elderFactsAt(
  elder: ProfileHistory<DecisionProfile> & { readonly deathDate: BusinessDate | null },
  occurredAt: EpochMs,
  cardRetired: boolean,
): ElderFacts {
  const atSale = elderProfileAt(elder, occurredAt);
  const latest = elder.profiles.at(-1)?.profile ?? atSale;
  return {
    elderId: elder.elderId,
    birthDate: latest.birthDate,
    categories: latest.categories,
    district: atSale.district,
    town: atSale.town,
    homeCanteenId: atSale.homeCanteenId,
    deathDate: elder.deathDate,
    cardRetiredBeforeSale: cardRetired,
  };
}

/** Equal apart from the sealed ID number, which is encrypted afresh (new IV) on every request. */
function sameProfile(a: ElderProfile, b: ElderProfile): boolean {
  const { idNumber: idA, ...restA } = a;
  const { idNumber: idB, ...restB } = b;
  return idA.lookupHash === idB.lookupHash && canonicalJson(restA) === canonicalJson(restB);
}
