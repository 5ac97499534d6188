import { describe, expect, it } from 'vitest';
import { stateFrom } from '../decider.ts';
import { fen } from '../money.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { capHistoryOf } from './allowance.ts';
import {
  categoryProblems,
  type ElderEvent,
  type ElderProfile,
  elder,
  elderProfileAt,
  requireRegistered,
} from './elder.ts';

const profile: ElderProfile = {
  name: '张三明',
  birthDate: '1944-05-01',
  idNumber: { sealed: 'v1.sealed-a', lookupHash: 'hash-1', masked: '1101**********1234' },
  district: '西城区',
  town: '德胜街道',
  homeCanteenId: null,
  categories: [{ category: 'dibao', from: '2020-01-01', to: null }],
};
const T = Date.parse('2026-10-08T12:00:00+08:00');
const registeredEvent: ElderEvent = { type: 'ElderRegistered', data: { elderId: 'e1', profile } };
const spec = deciderSpec(elder);
const register = (p: ElderProfile, sameIdNumberElderId: string | null = null) =>
  ({ type: 'RegisterElder', elderId: 'e1', profile: p, effectiveFrom: T, sameIdNumberElderId }) as const;

describe('elder', () => {
  it('registers; the same profile again records nothing even though its ID number was sealed afresh', () => {
    spec.given([]).when(register(profile)).expect([registeredEvent]);
    const resealed = { ...profile, idNumber: { ...profile.idNumber, sealed: 'v1.sealed-b' } };
    spec.given([registeredEvent]).when(register(resealed)).expect([]);
  });

  it('records a moved elder from the moment of the change; earlier sales keep the old district', () => {
    const moved = { ...profile, district: '东城区', town: '和平里街道' };
    const changed: ElderEvent = {
      type: 'ElderProfileChanged',
      data: { elderId: 'e1', profile: moved, effectiveFrom: T },
    };
    spec.given([registeredEvent]).when(register(moved)).expect([changed]);
    const state = requireRegistered(stateFrom(elder, [registeredEvent, changed]));
    expect(elderProfileAt(state, T - 1).district).toBe('西城区');
    expect(elderProfileAt(state, T).district).toBe('东城区');
  });

  it('refuses an ID number registered for another elder', () => {
    spec.given([]).when(register(profile, 'e9')).expectRefusal('id-number-taken', 'idNumber');
  });

  describe('changing categories alone', () => {
    const tekun = [
      { category: 'dibao', from: '2020-01-01', to: '2026-11-01' },
      { category: 'tekun', from: '2026-11-01', to: null },
    ];
    const change = (categories: ElderProfile['categories'], at = T) =>
      ({ type: 'ChangeCategories', categories, effectiveFrom: at }) as const;
    const changed = (p: ElderProfile, effectiveFrom = T): ElderEvent => ({
      type: 'ElderProfileChanged',
      data: { elderId: 'e1', profile: p, effectiveFrom },
    });

    it('records the profile as it stands with the new categories, the event a full registration records', () => {
      spec
        .given([registeredEvent])
        .when(change(tekun))
        .expect([changed({ ...profile, categories: tekun })]);
      // The same change through the full registration records the very same event.
      spec
        .given([registeredEvent])
        .when(register({ ...profile, categories: tekun }))
        .expect([changed({ ...profile, categories: tekun })]);
    });

    it('records nothing when the categories are the same, in whatever order', () => {
      spec.given([registeredEvent]).when(change(profile.categories)).expect([]);
      const done = changed({ ...profile, categories: tekun });
      spec
        .given([registeredEvent, done])
        .when(change([...tekun].reverse()))
        .expect([]);
      spec
        .given([registeredEvent])
        .when(change([]))
        .expect([changed({ ...profile, categories: [] })]);
    });

    it('keeps a move registered for later: the change takes effect with it, not before', () => {
      const later = T + 86_400_000;
      const moved = changed({ ...profile, district: '东城区', town: '和平里街道' }, later);
      spec
        .given([registeredEvent, moved])
        .when(change(tekun))
        .expect([changed({ ...profile, district: '东城区', town: '和平里街道', categories: tekun }, later)]);
      const state = requireRegistered(
        stateFrom(elder, [
          registeredEvent,
          moved,
          changed({ ...profile, district: '东城区', town: '和平里街道', categories: tekun }, later),
        ]),
      );
      expect(elderProfileAt(state, T).district).toBe('西城区');
      expect(elderProfileAt(state, later).district).toBe('东城区');
    });

    it("changes a dead elder's categories too: the bureau corrects their history", () => {
      const died: ElderEvent = { type: 'ElderDied', data: { elderId: 'e1', date: '2026-10-01' } };
      spec
        .given([registeredEvent, died])
        .when(change(tekun))
        .expect([changed({ ...profile, categories: tekun })]);
    });

    it('refuses an elder never registered, and an end not after its start', () => {
      spec.given([]).when(change(tekun)).expectRefusal('not-found');
      spec
        .given([registeredEvent])
        .when(
          change([
            tekun[0] as ElderProfile['categories'][number],
            { category: 'tekun', from: '2026-11-01', to: '2026-11-01' },
          ]),
        )
        .expectRefusal('invalid-body', 'categories[1].to');
      expect(categoryProblems([{ category: 'dibao', from: '2026-01-01', to: '2025-12-31' }])).toEqual([
        expect.objectContaining({ index: 0, field: 'to', message: 'must be after from' }),
      ]);
    });
  });

  it('binds a first card for all earlier times, and a replacement from the moment it is bound', () => {
    spec
      .given([registeredEvent])
      .when({ type: 'BindCard', cardUid: 'K1', at: T })
      .expect([
        {
          type: 'CardBound',
          data: { elderId: 'e1', cardUid: 'K1', previousCardUid: null, effectiveFrom: null },
        },
      ]);
    const first: ElderEvent = {
      type: 'CardBound',
      data: { elderId: 'e1', cardUid: 'K1', previousCardUid: null, effectiveFrom: null },
    };
    spec
      .given([registeredEvent, first])
      .when({ type: 'BindCard', cardUid: 'K2', at: T })
      .expect([
        {
          type: 'CardBound',
          data: { elderId: 'e1', cardUid: 'K2', previousCardUid: 'K1', effectiveFrom: T },
        },
      ]);
    spec.given([registeredEvent, first]).when({ type: 'BindCard', cardUid: 'K1', at: T }).expect([]);
  });

  it('records a death once; cards and deaths need a registered elder', () => {
    const died: ElderEvent = { type: 'ElderDied', data: { elderId: 'e1', date: '2026-10-01' } };
    const death = (date: string) => ({ type: 'RecordDeath' as const, date, today: '2026-11-20' });
    spec.given([registeredEvent]).when(death('2026-10-01')).expect([died]);
    spec.given([registeredEvent, died]).when(death('2026-10-01')).expect([]);
    spec.given([]).when(death('2026-10-01')).expectRefusal('not-found');
  });

  it('refuses a death after today or before the birth date, and corrects one recorded earlier', () => {
    const death = (date: string) => ({ type: 'RecordDeath' as const, date, today: '2026-11-20' });
    const died: ElderEvent = { type: 'ElderDied', data: { elderId: 'e1', date: '2026-10-01' } };
    spec
      .given([registeredEvent])
      .when(death('2026-11-20'))
      .expect([{ type: 'ElderDied', data: { elderId: 'e1', date: '2026-11-20' } }]);
    spec.given([registeredEvent]).when(death('2026-11-21')).expectRefusal('invalid-body', 'date');
    spec
      .given([registeredEvent])
      .when(death('1944-05-01'))
      .expect([{ type: 'ElderDied', data: { elderId: 'e1', date: '1944-05-01' } }]);
    spec.given([registeredEvent]).when(death('1944-04-30')).expectRefusal('invalid-body', 'date');
    // A date recorded wrongly is corrected by recording the right one: both stay in the history.
    spec
      .given([registeredEvent, died])
      .when(death('2026-09-28'))
      .expect([{ type: 'ElderDied', data: { elderId: 'e1', date: '2026-09-28' } }]);
  });

  it('remembers decided meals for the caps, and forgets a voided one', () => {
    const line = {
      ruleId: 'r',
      stackGroup: 'base',
      fen: fen(300),
      funding: [{ source: 'city', fen: fen(300) }],
    };
    // The caps read only the dates and lines; of the sale record only its notice matters here.
    const decided = (saleId: string) =>
      ({
        type: 'MealSubsidyDecided',
        data: {
          elderId: 'e1',
          saleId,
          businessDate: '2026-10-08',
          period: 'lunch',
          lines: [line],
          owedFen: fen(0),
          sale: { notice: null },
        },
      }) as unknown as ElderEvent;
    const state = requireRegistered(
      stateFrom(elder, [
        registeredEvent,
        decided('s1'),
        decided('s2'),
        { type: 'MealSubsidyVoided', data: { elderId: 'e1', saleId: 's1' } },
      ]),
    );
    // Both stay known (a retry is not decided twice); only s2 counts, and the caps count it.
    expect(state.allowance.months.get('2026-10')?.map((meal) => [meal.saleId, meal.voided])).toEqual([
      ['s1', true],
      ['s2', false],
    ]);
    expect(capHistoryOf(state.allowance, '2026-10-09')).toEqual([
      expect.objectContaining({ saleId: 's2', revision: 2, subsidised: true, paidStackGroups: ['base'] }),
    ]);
    expect(state.version).toBe(3);
  });
});
