import { canonicalJson } from '../canonical-json.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import type { Fen } from '../money.ts';
import { type CanteenPeriods, canteenPeriodProblems } from '../policy/meal-periods.ts';
import type { BusinessDate } from '../time/calendar.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

export const canteenStream = (canteenId: string) => `canteen-${canteenId}`;

/** 菜单: one dish or set meal and its price. */
export interface MenuItem {
  readonly itemId: string;
  readonly name: string;
  readonly priceFen: Fen;
}

/** 食堂: what a bureau registers about a canteen; it changes over time, old sales keep old prices. */
export interface CanteenDetails {
  readonly name: string;
  /** 区 */
  readonly district: string;
  /** 街镇 */
  readonly town: string;
  readonly location: { readonly lat: number; readonly lng: number } | null;
  readonly periods: CanteenPeriods;
  readonly menu: readonly MenuItem[];
  /** 休息日: the days the canteen does not open; absent, it opens every day. */
  readonly closedDays?: ClosedDays;
}

/** 休息日: ISO weekdays (1 Monday … 7 Sunday) and single dates on which the canteen is closed. */
export interface ClosedDays {
  readonly weekdays: readonly number[];
  readonly dates: readonly BusinessDate[];
}

export type CanteenEvent =
  | {
      readonly type: 'CanteenRegistered';
      readonly data: { readonly canteenId: string; readonly details: CanteenDetails };
    }
  | {
      readonly type: 'CanteenChanged';
      readonly data: {
        readonly canteenId: string;
        readonly details: CanteenDetails;
        readonly effectiveFrom: EpochMs;
      };
    };

/** Versions in order; the first registration counts for every earlier time too (`effectiveFrom` null). */
export type CanteenState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly canteenId: string;
      readonly versions: readonly {
        readonly effectiveFrom: EpochMs | null;
        readonly details: CanteenDetails;
      }[];
    };

export interface RegisterCanteen {
  readonly canteenId: string;
  readonly details: CanteenDetails;
  /** When the change takes effect: now, or the `from` instant the request gives. */
  readonly effectiveFrom: EpochMs;
}

export const canteen: Decider<RegisterCanteen, CanteenEvent, CanteenState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    assertValidDetails(command.details);
    if (state.status === 'unregistered') {
      return [
        { type: 'CanteenRegistered', data: { canteenId: command.canteenId, details: command.details } },
      ];
    }
    const current = state.versions.at(-1)?.details;
    if (current && canonicalJson(current) === canonicalJson(command.details)) return [];
    return [
      {
        type: 'CanteenChanged',
        data: {
          canteenId: command.canteenId,
          details: command.details,
          effectiveFrom: command.effectiveFrom,
        },
      },
    ];
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CanteenRegistered':
        return {
          status: 'registered',
          canteenId: event.data.canteenId,
          versions: [{ effectiveFrom: null, details: event.data.details }],
        };
      case 'CanteenChanged':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          versions: [
            ...state.versions,
            { effectiveFrom: event.data.effectiveFrom, details: event.data.details },
          ],
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

/** The canteen as it stood at `at`: the last version that had taken effect by then. */
export function canteenDetailsAt(state: CanteenState, at: EpochMs): CanteenDetails | null {
  if (state.status !== 'registered') return null;
  let found: CanteenDetails | null = null;
  for (const version of state.versions) {
    if (version.effectiveFrom === null || version.effectiveFrom <= at) found = version.details;
  }
  return found;
}

function assertValidDetails(details: CanteenDetails): void {
  const [problem] = canteenPeriodProblems(details.periods);
  if (problem) {
    throw new DomainError(
      'invalid',
      'invalid-body',
      { en: problem.message, zh: problem.messageZh },
      problem.path,
    );
  }
  const seen = new Set<string>();
  details.menu.forEach((item, index) => {
    if (seen.has(item.itemId)) {
      throw new DomainError(
        'invalid',
        'invalid-body',
        { en: `item ${item.itemId} is listed twice`, zh: `餐品 ${item.itemId} 在菜单中重复` },
        `menu[${index}].itemId`,
      );
    }
    seen.add(item.itemId);
  });
}
