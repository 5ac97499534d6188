import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

export const cardStream = (cardUid: string) => `card-${cardUid}`;

/**
 * 助餐卡: who held a card when. A card belongs to one elder at a time; a retired card (lost,
 * replaced) stops working from the moment it is retired, and its history stays.
 */
export type CardEvent =
  | {
      readonly type: 'CardAssigned';
      /** `effectiveFrom` null: the elder's first card, which counts for earlier sales too. */
      readonly data: {
        readonly cardUid: string;
        readonly elderId: string;
        readonly effectiveFrom: EpochMs | null;
      };
    }
  | {
      readonly type: 'CardRetired';
      readonly data: { readonly cardUid: string; readonly elderId: string; readonly effectiveFrom: EpochMs };
    };

export interface CardHolding {
  readonly elderId: string;
  readonly from: EpochMs | null;
  /** When the card was retired from this elder; null while it is in use. */
  readonly to: EpochMs | null;
}

export interface CardState {
  readonly holdings: readonly CardHolding[];
}

export type CardCommand =
  | {
      readonly type: 'AssignCard';
      readonly cardUid: string;
      readonly elderId: string;
      /** From when the card works: null when it is the elder's first card. */
      readonly effectiveFrom: EpochMs | null;
    }
  | {
      readonly type: 'RetireCard';
      readonly cardUid: string;
      readonly elderId: string;
      readonly effectiveFrom: EpochMs;
    };

export const card: Decider<CardCommand, CardEvent, CardState> = {
  initialState: { holdings: [] },
  decide(command, state) {
    const current = currentHolding(state);
    switch (command.type) {
      case 'AssignCard':
        if (current?.elderId === command.elderId) return [];
        if (current) {
          throw new DomainError(
            'conflict',
            'card-taken',
            {
              en: `card ${command.cardUid} belongs to another elder`,
              zh: `卡 ${command.cardUid} 已绑定其他老人`,
            },
            'cardUid',
          );
        }
        return [
          {
            type: 'CardAssigned',
            data: {
              cardUid: command.cardUid,
              elderId: command.elderId,
              effectiveFrom: command.effectiveFrom,
            },
          },
        ];
      case 'RetireCard':
        if (current?.elderId !== command.elderId) return [];
        return [
          {
            type: 'CardRetired',
            data: {
              cardUid: command.cardUid,
              elderId: command.elderId,
              effectiveFrom: command.effectiveFrom,
            },
          },
        ];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CardAssigned':
        return {
          holdings: [
            ...state.holdings,
            { elderId: event.data.elderId, from: event.data.effectiveFrom, to: null },
          ],
        };
      case 'CardRetired':
        return {
          holdings: state.holdings.map((holding) =>
            holding.to === null && holding.elderId === event.data.elderId
              ? { ...holding, to: event.data.effectiveFrom }
              : holding,
          ),
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

function currentHolding(state: CardState): CardHolding | undefined {
  return state.holdings.find((holding) => holding.to === null);
}

/** What a tap of this card at `at` means: its holder, a retired card (and whose it was), or unknown. */
export type CardAtTime =
  | { readonly status: 'unknown' }
  | { readonly status: 'active'; readonly elderId: string }
  | { readonly status: 'retired'; readonly elderId: string };

export function cardAt(state: CardState, at: EpochMs): CardAtTime {
  if (state.holdings.length === 0) return { status: 'unknown' };
  const holding = state.holdings.find(
    (candidate) =>
      (candidate.from === null || candidate.from <= at) && (candidate.to === null || at < candidate.to),
  );
  if (holding) return { status: 'active', elderId: holding.elderId };
  // Tapped after it was retired (or before its holder got it): the last holder before that time.
  const before = state.holdings.filter((candidate) => candidate.to !== null && candidate.to <= at).at(-1);
  const elderId = (before ?? state.holdings[0])?.elderId ?? '';
  return { status: 'retired', elderId };
}
