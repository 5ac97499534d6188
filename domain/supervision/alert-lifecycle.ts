import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import type { BureauUser } from '../settlement/settlement.ts';
import type { EpochMs } from '../time/shanghai-time.ts';
import type { Alert, AlertText } from './alert.ts';

export type AlertCommand =
  | { readonly type: 'RaiseAlert'; readonly alert: Alert; readonly at: EpochMs }
  | {
      readonly type: 'ConfirmAlert';
      readonly alertId: string;
      readonly by: BureauUser;
      /** Why, in the reviewer's words; empty: the alert's own explanation stands on the statement. */
      readonly reason: string;
      readonly at: EpochMs;
    }
  | {
      readonly type: 'DismissAlert';
      readonly alertId: string;
      readonly by: BureauUser;
      readonly reason: string;
      readonly at: EpochMs;
    };

/** 核实不予结算: what a confirmation takes out of reimbursement, and the reason the statement prints. */
export interface AlertExclusion {
  readonly saleIds: readonly string[];
  readonly reason: AlertText;
}

export type AlertEvent =
  | { readonly type: 'AlertRaised'; readonly data: { readonly alert: Alert; readonly raisedAt: EpochMs } }
  | {
      readonly type: 'AlertConfirmed';
      readonly data: {
        readonly alertId: string;
        readonly by: BureauUser;
        readonly reason: string;
        readonly at: EpochMs;
        readonly exclusion: AlertExclusion;
      };
    }
  | {
      readonly type: 'AlertDismissed';
      readonly data: {
        readonly alertId: string;
        readonly by: BureauUser;
        readonly reason: string;
        readonly at: EpochMs;
      };
    };

interface Decision {
  readonly by: BureauUser;
  readonly reason: string;
  readonly at: EpochMs;
}

/** 预警状态: open until a reviewer confirms (the subsidy is excluded) or dismisses it. */
export type AlertState =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly alert: Alert; readonly raisedAt: EpochMs }
  | {
      readonly status: 'confirmed';
      readonly alert: Alert;
      readonly raisedAt: EpochMs;
      readonly decision: Decision;
    }
  | {
      readonly status: 'dismissed';
      readonly alert: Alert;
      readonly raisedAt: EpochMs;
      readonly decision: Decision;
    };

/**
 * 预警处理: raising is idempotent (a check raises the same finding again on every rebuild; the
 * first raising stands). Confirming or dismissing again by the same person for the same reason
 * answers as before and records nothing; any other second decision is refused (`alert-decided`).
 */
export const alertLifecycle: Decider<AlertCommand, AlertEvent, AlertState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'RaiseAlert':
        if (state.status !== 'none') return [];
        return [{ type: 'AlertRaised', data: { alert: command.alert, raisedAt: command.at } }];
      case 'ConfirmAlert': {
        const open = requireAlert(state, command.alertId);
        const reason = command.reason.trim();
        if (open.status === 'confirmed' && sameDecision(open.decision, command.by, reason)) return [];
        assertOpen(open, 'confirm');
        const fallback = open.alert.explanation;
        return [
          {
            type: 'AlertConfirmed',
            data: {
              alertId: command.alertId,
              by: command.by,
              reason,
              at: command.at,
              exclusion: {
                saleIds: open.alert.saleIds,
                reason:
                  reason === ''
                    ? fallback
                    : {
                        zh: `${fallback.zh}；核实意见：${reason}`,
                        en: `${fallback.en}; reviewer: ${reason}`,
                      },
              },
            },
          },
        ];
      }
      case 'DismissAlert': {
        const open = requireAlert(state, command.alertId);
        const reason = command.reason.trim();
        if (reason === '') {
          throw new DomainError(
            'invalid',
            'reason-required',
            { en: 'dismissing an alert needs a reason', zh: '排除预警须填写理由' },
            'reason',
          );
        }
        if (open.status === 'dismissed' && sameDecision(open.decision, command.by, reason)) return [];
        assertOpen(open, 'dismiss');
        return [
          {
            type: 'AlertDismissed',
            data: { alertId: command.alertId, by: command.by, reason, at: command.at },
          },
        ];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AlertRaised':
        return state.status === 'none'
          ? { status: 'open', alert: event.data.alert, raisedAt: event.data.raisedAt }
          : state;
      case 'AlertConfirmed':
      case 'AlertDismissed': {
        if (state.status !== 'open') return state;
        const decision = { by: event.data.by, reason: event.data.reason, at: event.data.at };
        const status = event.type === 'AlertConfirmed' ? 'confirmed' : 'dismissed';
        return { status, alert: state.alert, raisedAt: state.raisedAt, decision };
      }
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

function requireAlert(state: AlertState, alertId: string): Exclude<AlertState, { status: 'none' }> {
  if (state.status === 'none')
    throw new DomainError('not-found', 'not-found', {
      en: `alert ${alertId} is not raised`,
      zh: `没有预警 ${alertId}`,
    });
  return state;
}

const DECIDED_ZH = { confirmed: '核实', dismissed: '排除' } as const;
const ACTION_ZH = { confirm: '核实', dismiss: '排除' } as const;

function assertOpen(state: Exclude<AlertState, { status: 'none' }>, action: 'confirm' | 'dismiss'): void {
  if (state.status === 'open') return;
  throw new DomainError('conflict', 'alert-decided', {
    en: `alert ${state.alert.alertId} was ${state.status} by ${state.decision.by.name}; cannot ${action} it`,
    zh: `预警 ${state.alert.alertId} 已由 ${state.decision.by.name}${DECIDED_ZH[state.status]}，不能再${ACTION_ZH[action]}`,
  });
}

function sameDecision(decision: Decision, by: BureauUser, reason: string): boolean {
  return decision.by.userId === by.userId && decision.reason === reason;
}
