import { describe, expect, it } from 'vitest';
import { stateFrom } from '../decider.ts';
import { fen } from '../money.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type CanteenDetails, type CanteenEvent, canteen, canteenDetailsAt } from './canteen.ts';

const details: CanteenDetails = {
  name: '幸福食堂',
  district: '西城区',
  town: '德胜街道',
  location: { lat: 39.95, lng: 116.37 },
  periods: { lunch: { from: '11:00', to: '13:30' }, dinner: { from: '17:00', to: '19:00' } },
  menu: [{ itemId: 'set-a', name: '套餐A', priceFen: fen(1200) }],
};
const registered: CanteenEvent = { type: 'CanteenRegistered', data: { canteenId: 'c1', details } };
const spec = deciderSpec(canteen);
const NOON = Date.parse('2026-10-08T12:00:00+08:00');

describe('canteen', () => {
  it('registers a canteen, and records nothing when the same details come again', () => {
    spec.given([]).when({ canteenId: 'c1', details, effectiveFrom: NOON }).expect([registered]);
    spec.given([registered]).when({ canteenId: 'c1', details, effectiveFrom: NOON }).expect([]);
  });

  it('records a change from the moment it is made, and old sales keep old prices', () => {
    const dearer = { ...details, menu: [{ itemId: 'set-a', name: '套餐A', priceFen: fen(1500) }] };
    const changed: CanteenEvent = {
      type: 'CanteenChanged',
      data: { canteenId: 'c1', details: dearer, effectiveFrom: NOON },
    };
    spec
      .given([registered])
      .when({ canteenId: 'c1', details: dearer, effectiveFrom: NOON })
      .expect([changed]);

    const state = stateFrom(canteen, [registered, changed]);
    expect(canteenDetailsAt(state, NOON - 1)?.menu[0]?.priceFen).toBe(1200);
    expect(canteenDetailsAt(state, NOON)?.menu[0]?.priceFen).toBe(1500);
    // The first registration counts for every earlier time (a bureau migrating its history).
    expect(canteenDetailsAt(state, Date.parse('2020-01-01T12:00:00+08:00'))?.name).toBe('幸福食堂');
  });

  it('refuses overlapping meal periods and a dish listed twice, naming the field', () => {
    const overlapping = {
      ...details,
      periods: { lunch: { from: '11:00', to: '14:00' }, dinner: { from: '13:00', to: '19:00' } },
    };
    spec
      .given([])
      .when({ canteenId: 'c1', details: overlapping, effectiveFrom: NOON })
      .expectRefusal('invalid-body');
    const twice = { ...details, menu: [...details.menu, ...details.menu] };
    spec
      .given([])
      .when({ canteenId: 'c1', details: twice, effectiveFrom: NOON })
      .expectRefusal('invalid-body', 'menu[1].itemId');
  });
});
