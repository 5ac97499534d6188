import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import { lastDayOfMonth, type MonthKey } from '../time/calendar.ts';
import { businessDateOf, type EpochMs } from '../time/shanghai-time.ts';
import type { CanteenSettlement, MonthSettlement, SettlementTotals } from './settlement-types.ts';

export const settlementStream = (month: MonthKey) => `settlement-${month}`;

/** A named bureau user acting on a settlement. */
export interface BureauUser {
  readonly userId: string;
  readonly name: string;
}

/** Where the month was cut: the store position of the last event counted, and when. */
export interface Cutoff {
  readonly position: string;
  readonly at: EpochMs;
}

export type SettlementStep = 'reviewed' | 'approved' | 'paid';

export type SettlementEvent =
  | {
      readonly type: 'MonthClosed';
      readonly data: {
        readonly month: MonthKey;
        readonly cutoff: Cutoff;
        readonly closedBy: BureauUser;
        /** What whoever closed the month noted; absent in closings recorded before notes were taken. */
        readonly note?: string | null;
        readonly digest: string;
        readonly totals: SettlementTotals;
        readonly canteenIds: readonly string[];
      };
    }
  | {
      readonly type: 'CanteenMonthSettled';
      readonly data: { readonly month: MonthKey; readonly canteen: CanteenSettlement };
    }
  | {
      readonly type: 'SettlementReviewed' | 'SettlementApproved' | 'SettlementPaid';
      readonly data: {
        readonly month: MonthKey;
        readonly by: BureauUser;
        readonly at: EpochMs;
        readonly note: string | null;
      };
    };

export type SettlementStatus = 'open' | 'closed' | SettlementStep;

/** Who took each step after the close, and when. */
export type SettlementSteps = Partial<
  Record<SettlementStep, { readonly by: BureauUser; readonly at: EpochMs; readonly note: string | null }>
>;

export type SettlementState =
  | { readonly status: 'open' }
  | {
      readonly status: Exclude<SettlementStatus, 'open'>;
      readonly month: MonthKey;
      readonly cutoff: Cutoff;
      readonly closedBy: BureauUser;
      readonly closeNote: string | null;
      readonly digest: string;
      readonly totals: SettlementTotals;
      readonly canteens: readonly CanteenSettlement[];
      readonly steps: SettlementSteps;
    };

export type SettlementCommand =
  | {
      readonly type: 'CloseMonth';
      readonly month: MonthKey;
      readonly now: EpochMs;
      readonly by: BureauUser;
      readonly note: string | null;
      readonly cutoff: Cutoff;
      /** The month's figures computed from the events up to the cut-off. */
      readonly settlement: MonthSettlement;
    }
  | {
      readonly type: 'TakeStep';
      readonly step: SettlementStep;
      readonly by: BureauUser;
      readonly at: EpochMs;
      readonly note: string | null;
    };

const STEP_ORDER: readonly SettlementStatus[] = ['open', 'closed', 'reviewed', 'approved', 'paid'];
/** How a refusal names a month's state and the step that leads to it, in Chinese. */
const STEP_NAME_ZH: Record<SettlementStatus, string> = {
  open: '未关账',
  closed: '已关账',
  reviewed: '已审核',
  approved: '已批准',
  paid: '已拨付',
};
const STEP_ACTION_ZH: Record<SettlementStatus, string> = {
  open: '',
  closed: '关账',
  reviewed: '审核',
  approved: '批准',
  paid: '拨付',
};
const STEP_EVENT = {
  reviewed: 'SettlementReviewed',
  approved: 'SettlementApproved',
  paid: 'SettlementPaid',
} as const;

/** The month has ended in Asia/Shanghai by `now`. */
export function monthHasEnded(month: MonthKey, now: EpochMs): boolean {
  return businessDateOf(now) > lastDayOfMonth(month);
}

/**
 * 月结流程: open → closed → reviewed → approved → paid, each step by a named bureau user; whoever
 * closed the month cannot approve it (four eyes). Repeating a step already taken changes nothing.
 */
export const settlement: Decider<SettlementCommand, SettlementEvent, SettlementState> = {
  initialState: { status: 'open' },

  decide(command, state) {
    if (command.type === 'CloseMonth') {
      if (state.status !== 'open') return [];
      if (!monthHasEnded(command.month, command.now)) {
        throw new DomainError('conflict', 'period-not-ended', {
          en: `${command.month} has not ended yet`,
          zh: `${command.month} 尚未结束(按北京时间)，月末之后才能关账`,
        });
      }
      const { settlement: figures } = command;
      return [
        {
          type: 'MonthClosed',
          data: {
            month: command.month,
            cutoff: command.cutoff,
            closedBy: command.by,
            note: command.note,
            digest: figures.digest,
            totals: figures.totals,
            canteenIds: figures.canteens.map((canteen) => canteen.canteenId),
          },
        },
        ...figures.canteens.map((canteen) => ({
          type: 'CanteenMonthSettled' as const,
          data: { month: command.month, canteen },
        })),
      ];
    }
    if (state.status === 'open') {
      throw new DomainError('conflict', 'settlement-step', {
        en: 'the month has not been closed',
        zh: '该月尚未关账，请先关账',
      });
    }
    const wanted = STEP_ORDER.indexOf(command.step);
    const current = STEP_ORDER.indexOf(state.status);
    if (current >= wanted) return [];
    if (current < wanted - 1) {
      throw new DomainError('conflict', 'settlement-step', {
        en: `the settlement is ${state.status}: it must be ${STEP_ORDER[wanted - 1]} before it can be ${command.step}`,
        zh: `该月结当前为「${STEP_NAME_ZH[state.status]}」，须先${STEP_ACTION_ZH[STEP_ORDER[wanted - 1] ?? 'open']}才能${STEP_ACTION_ZH[command.step]}`,
      });
    }
    if (command.step === 'approved' && command.by.userId === state.closedBy.userId) {
      throw new DomainError('not-allowed', 'four-eyes', {
        en: `${command.by.name} closed this month and cannot approve it`,
        zh: `${command.by.name} 关账了该月，关账人不能批准同一个月，请由另一位审核人批准`,
      });
    }
    return [
      {
        type: STEP_EVENT[command.step],
        data: { month: state.month, by: command.by, at: command.at, note: command.note },
      },
    ];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MonthClosed':
        return {
          status: 'closed',
          month: event.data.month,
          cutoff: event.data.cutoff,
          closedBy: event.data.closedBy,
          closeNote: event.data.note ?? null,
          digest: event.data.digest,
          totals: event.data.totals,
          canteens: [],
          steps: {},
        };
      case 'CanteenMonthSettled':
        return state.status === 'open'
          ? state
          : { ...state, canteens: [...state.canteens, event.data.canteen] };
      default: {
        if (state.status === 'open') return state;
        const step = (Object.keys(STEP_EVENT) as SettlementStep[]).find(
          (key) => STEP_EVENT[key] === event.type,
        );
        if (step === undefined) return state;
        const { by, at, note } = event.data;
        return { ...state, status: step, steps: { ...state.steps, [step]: { by, at, note } } };
      }
    }
  },
};
