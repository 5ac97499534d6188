import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { alertOf } from './alert.ts';
import { type AlertEvent, alertLifecycle } from './alert-lifecycle.ts';

const spec = deciderSpec(alertLifecycle);
const alert = alertOf({
  kind: 'after-death',
  key: ['s1'],
  severity: 'high',
  canteenId: 'heping-01',
  businessDate: '2026-10-14',
  saleIds: ['s1'],
  eventIds: ['e1', 'death1'],
  explanation: { zh: '老人已于 2026-10-10 身故', en: 'The elder died on 2026-10-10' },
  figures: { daysAfterDeath: 4 },
});
const alertId = alert.alertId;
const reviewer = { userId: 'u-li', name: '李审核' };
const other = { userId: 'u-wang', name: '王审核' };
const raised: AlertEvent = { type: 'AlertRaised', data: { alert, raisedAt: 1 } };
const confirmed: AlertEvent = {
  type: 'AlertConfirmed',
  data: {
    alertId,
    by: reviewer,
    reason: '家属持卡',
    at: 2,
    exclusion: {
      saleIds: ['s1'],
      reason: {
        zh: '老人已于 2026-10-10 身故；核实意见：家属持卡',
        en: 'The elder died on 2026-10-10; reviewer: 家属持卡',
      },
    },
  },
};
const dismissed: AlertEvent = {
  type: 'AlertDismissed',
  data: { alertId, by: reviewer, reason: '死亡日期登记错误', at: 2 },
};

describe('alert lifecycle', () => {
  it('raises an alert once; raising it again records nothing', () => {
    spec.given([]).when({ type: 'RaiseAlert', alert, at: 1 }).expect([raised]);
    spec.given([raised]).when({ type: 'RaiseAlert', alert, at: 5 }).expect([]);
  });

  it('confirms an open alert, excluding its sales with the reason for the statement', () => {
    spec
      .given([raised])
      .when({ type: 'ConfirmAlert', alertId, by: reviewer, reason: ' 家属持卡 ', at: 2 })
      .expect([confirmed]);
  });

  it('confirms without a reason of its own: the alert’s explanation stands', () => {
    spec
      .given([raised])
      .when({ type: 'ConfirmAlert', alertId, by: reviewer, reason: '', at: 2 })
      .expect([
        {
          type: 'AlertConfirmed',
          data: {
            alertId,
            by: reviewer,
            reason: '',
            at: 2,
            exclusion: { saleIds: ['s1'], reason: alert.explanation },
          },
        },
      ]);
  });

  it('answers the same confirmation again with nothing, and refuses another decision', () => {
    spec
      .given([raised, confirmed])
      .when({ type: 'ConfirmAlert', alertId, by: reviewer, reason: '家属持卡', at: 9 })
      .expect([]);
    spec
      .given([raised, confirmed])
      .when({ type: 'ConfirmAlert', alertId, by: other, reason: '家属持卡', at: 9 })
      .expectRefusal('alert-decided');
    spec
      .given([raised, confirmed])
      .when({ type: 'DismissAlert', alertId, by: reviewer, reason: '误报', at: 9 })
      .expectRefusal('alert-decided');
  });

  it('dismisses with a reason only', () => {
    spec
      .given([raised])
      .when({ type: 'DismissAlert', alertId, by: reviewer, reason: '死亡日期登记错误', at: 2 })
      .expect([dismissed]);
    spec
      .given([raised])
      .when({ type: 'DismissAlert', alertId, by: reviewer, reason: '  ', at: 2 })
      .expectRefusal('reason-required', 'reason');
    spec
      .given([raised, dismissed])
      .when({ type: 'DismissAlert', alertId, by: reviewer, reason: '死亡日期登记错误', at: 3 })
      .expect([]);
    spec
      .given([raised, dismissed])
      .when({ type: 'ConfirmAlert', alertId, by: reviewer, reason: '', at: 3 })
      .expectRefusal('alert-decided');
  });

  it('refuses to decide an alert never raised', () => {
    spec
      .given([])
      .when({ type: 'ConfirmAlert', alertId, by: reviewer, reason: '', at: 2 })
      .expectRefusal('not-found');
    spec
      .given([])
      .when({ type: 'DismissAlert', alertId, by: reviewer, reason: '误报', at: 2 })
      .expectRefusal('not-found');
  });
});
