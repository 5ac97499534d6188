import { describe, expect, it } from 'vitest';
import { stateFrom } from '../decider.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type CardEvent, card, cardAt } from './card.ts';

const spec = deciderSpec(card);
const T = Date.parse('2026-10-08T12:00:00+08:00');
const assigned = (elderId: string, effectiveFrom: number | null): CardEvent => ({
  type: 'CardAssigned',
  data: { cardUid: 'K1', elderId, effectiveFrom },
});
const retired = (elderId: string, effectiveFrom: number): CardEvent => ({
  type: 'CardRetired',
  data: { cardUid: 'K1', elderId, effectiveFrom },
});

describe('card', () => {
  it('assigns a new card; the same assignment again records nothing', () => {
    spec
      .given([])
      .when({ type: 'AssignCard', cardUid: 'K1', elderId: 'e1', effectiveFrom: null })
      .expect([assigned('e1', null)]);
    spec
      .given([assigned('e1', null)])
      .when({ type: 'AssignCard', cardUid: 'K1', elderId: 'e1', effectiveFrom: T })
      .expect([]);
  });

  it('refuses a card that belongs to another elder', () => {
    spec
      .given([assigned('e1', null)])
      .when({ type: 'AssignCard', cardUid: 'K1', elderId: 'e2', effectiveFrom: T })
      .expectRefusal('card-taken', 'cardUid');
  });

  it('may go to another elder once retired', () => {
    spec
      .given([assigned('e1', null), retired('e1', T)])
      .when({ type: 'AssignCard', cardUid: 'K1', elderId: 'e2', effectiveFrom: T + 1000 })
      .expect([assigned('e2', T + 1000)]);
  });

  it('stops working at once when retired, and keeps its history', () => {
    const state = stateFrom(card, [assigned('e1', null), retired('e1', T)]);
    expect(cardAt(state, T - 1)).toEqual({ status: 'active', elderId: 'e1' });
    expect(cardAt(state, T)).toEqual({ status: 'retired', elderId: 'e1' });
    expect(cardAt(stateFrom(card, []), T)).toEqual({ status: 'unknown' });
    spec
      .given([assigned('e1', null), retired('e1', T)])
      .when({ type: 'RetireCard', cardUid: 'K1', elderId: 'e1', effectiveFrom: T })
      .expect([]);
  });
});
