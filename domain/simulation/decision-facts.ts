import { type CanteenEvent, type CanteenState, canteen, canteenDetailsAt } from '../canteens/canteen.ts';
import { type CardEvent, type CardState, card, cardAt } from '../cards/card.ts';
import { type DecisionProfile, type ElderEvent, elderFactsAt, type ProfileHistory } from '../elders/elder.ts';
import type { CanteenFacts, ElderFacts } from '../policy/meal-facts.ts';
import type { BusinessDate } from '../time/calendar.ts';
import type { EpochMs } from '../time/shanghai-time.ts';

/**
 * 决策依据: what the service knew of an elder, a card and a canteen when it decided a sale, kept so
 * that the sale can be decided again under another policy exactly as it was decided then.
 */
export interface ElderDecisionState extends ProfileHistory<DecisionProfile> {
  readonly deathDate: BusinessDate | null;
}

export type ElderFactEvent = Extract<
  ElderEvent,
  { type: 'ElderRegistered' | 'ElderProfileChanged' | 'ElderDied' }
>;

export const ELDER_FACT_EVENT_TYPES = ['ElderRegistered', 'ElderProfileChanged', 'ElderDied'] as const;
export const CARD_EVENT_TYPES = ['CardAssigned', 'CardRetired'] as const;
export const CANTEEN_EVENT_TYPES = ['CanteenRegistered', 'CanteenChanged'] as const;

/** Only what a decision reads of a profile: no name, no ID number. */
function decisionProfileOf(profile: DecisionProfile): DecisionProfile {
  const { birthDate, categories, district, town, homeCanteenId } = profile;
  return { birthDate, categories, district, town, homeCanteenId };
}

export function evolveElderFacts(
  state: ElderDecisionState | null,
  event: ElderFactEvent,
): ElderDecisionState | null {
  switch (event.type) {
    case 'ElderRegistered':
      return {
        elderId: event.data.elderId,
        profiles: [{ effectiveFrom: null, profile: decisionProfileOf(event.data.profile) }],
        deathDate: null,
      };
    case 'ElderProfileChanged':
      return (
        state && {
          ...state,
          profiles: [
            ...state.profiles,
            { effectiveFrom: event.data.effectiveFrom, profile: decisionProfileOf(event.data.profile) },
          ],
        }
      );
    case 'ElderDied':
      return state && { ...state, deathDate: event.data.date };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function evolveCardFacts(state: CardState | null, event: CardEvent): CardState {
  return card.evolve(state ?? card.initialState, event);
}

export function evolveCanteenFacts(state: CanteenState | null, event: CanteenEvent): CanteenState {
  return canteen.evolve(state ?? canteen.initialState, event);
}

/** The canteen as a decision at `at` sees it; null when it was not registered. */
export function canteenFactsAt(state: CanteenState | null, at: EpochMs): CanteenFacts | null {
  if (state === null || state.status !== 'registered') return null;
  const details = canteenDetailsAt(state, at);
  if (details === null) return null;
  return {
    canteenId: state.canteenId,
    district: details.district,
    town: details.town,
    periods: details.periods,
  };
}

/**
 * The cardholder's facts for a sale at `at`, as the service decided it: the elder the sale names, and
 * whether the card tapped had been retired by then. Null for a guest or an unregistered elder.
 */
export function saleElderFactsAt(
  elder: ElderDecisionState | null,
  cardState: CardState | null,
  at: EpochMs,
): ElderFacts | null {
  if (elder === null) return null;
  const retired = cardState !== null && cardAt(cardState, at).status === 'retired';
  return elderFactsAt(elder, at, retired);
}
