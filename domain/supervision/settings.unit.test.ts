import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERVISION_SETTINGS, parseSupervisionSettings } from './settings.ts';

describe('supervision settings', () => {
  it('fills every default', () => {
    expect(parseSupervisionSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_SUPERVISION_SETTINGS });
    expect(DEFAULT_SUPERVISION_SETTINGS.impossibleTravel.maxSpeedKmh).toBe(60);
    expect(DEFAULT_SUPERVISION_SETTINGS.rapidTapping).toEqual({ cards: 10, windowSeconds: 120 });
  });

  it('compares void rates with peers by default over 14 open days, of canteens within a factor of 2', () => {
    expect(DEFAULT_SUPERVISION_SETTINGS.voidRatePeers).toEqual({
      windowDays: 14,
      multiple: 3,
      sizeFactor: 2,
      minPeers: 3,
      minSales: 60,
      minVoids: 10,
    });
    const parsed = parseSupervisionSettings({ voidRatePeers: { sizeFactor: 0.5, minPeers: 0 } });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual([
      'voidRatePeers.sizeFactor',
      'voidRatePeers.minPeers',
    ]);
  });

  it('keeps the defaults beside one overridden field', () => {
    const parsed = parseSupervisionSettings({ voidRate: { multiple: 4 } });
    expect(parsed.ok && parsed.settings.voidRate).toEqual({
      ...DEFAULT_SUPERVISION_SETTINGS.voidRate,
      multiple: 4,
    });
  });

  it('names unknown and out-of-range fields', () => {
    expect(parseSupervisionSettings({ rapidTapping: { card: 5 } })).toEqual({
      ok: false,
      issues: [{ path: 'rapidTapping.card', message: 'unknown field', messageZh: '未知字段' }],
    });
    const parsed = parseSupervisionSettings({
      impossibleTravel: { maxSpeedKmh: 0 },
      voidRate: { floorRate: 2 },
    });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual([
      'impossibleTravel.maxSpeedKmh',
      'voidRate.floorRate',
    ]);
    // Each in Chinese too, for the answer to a request that does not ask for English.
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.messageZh)).toEqual([
      expect.stringMatching(/^(不能小于|应大于) 0$/),
      '不能大于 1',
    ]);
  });

  it('refuses values far past sense, which would switch a check off or keep too much', () => {
    const parsed = parseSupervisionSettings({
      lateArrivalDays: 32,
      openingHours: { graceMinutes: 1e9 },
      regularCounts: { windowDays: 61 },
      voidAfterClose: { counterClockHours: 169 },
    });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual([
      'lateArrivalDays',
      'openingHours.graceMinutes',
      'regularCounts.windowDays',
      'voidAfterClose.counterClockHours',
    ]);
    expect(
      parseSupervisionSettings({
        lateArrivalDays: 31,
        openingHours: { graceMinutes: 240 },
        regularCounts: { windowDays: 60 },
        voidAfterClose: { counterClockHours: 168 },
      }).ok,
    ).toBe(true);
  });
});
