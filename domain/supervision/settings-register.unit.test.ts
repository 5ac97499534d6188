import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.ts';
import { DEFAULT_SUPERVISION_SETTINGS } from './settings.ts';
import { supervisionSettingsRegister as register } from './settings-register.ts';

const by = { userId: 'chen', name: '陈经办' };
const change = (settings: unknown, state = register.initialState) =>
  register.decide({ settings, by, at: 1 }, state);

describe('supervision thresholds as events', () => {
  it('records a change with every other threshold as it stood', () => {
    const [event] = change({ openingHours: { graceMinutes: 30 } });
    expect(event?.data.settings).toEqual({
      ...DEFAULT_SUPERVISION_SETTINGS,
      openingHours: { graceMinutes: 30 },
    });
  });

  it('keeps earlier changes the next one does not name, and a check set to null takes its defaults again', () => {
    const tuned = register.evolve(
      register.initialState,
      change({ openingHours: { graceMinutes: 30 } })[0] as never,
    );
    const [next] = change({ voidRate: { multiple: 4 } }, tuned);
    expect(next?.data.settings.openingHours.graceMinutes).toBe(30);
    expect(next?.data.settings.voidRate).toEqual({ ...DEFAULT_SUPERVISION_SETTINGS.voidRate, multiple: 4 });
    const [reset] = change({ openingHours: null }, tuned);
    expect(reset?.data.settings.openingHours).toEqual(DEFAULT_SUPERVISION_SETTINGS.openingHours);
  });

  it('records nothing when nothing changes, and refuses unknown fields naming them', () => {
    expect(change({ impossibleTravel: { maxSpeedKmh: 60 } })).toEqual([]);
    expect(() => change({ openingHours: { graceMinute: 30 } })).toThrow(DomainError);
    expect(() => change({ outsideHours: {} })).toThrow(/unknown field/);
  });
});
