/** What the counter's pages are shown and its API answers: the views, and the refusals in words. */
import { type ReasonText, SUBSIDY_REASON_TEXT, type SubsidyReasonCode } from '../../domain/policy/reasons.ts';
import {
  isProblemCode,
  PROBLEM_CATALOGUE,
  type ProblemCode,
  problemTitles,
} from '../../domain/problems/problem-catalogue.ts';
import type { OutboxEntry, Refusal, ShownSale } from '../outbox/outbox.ts';
import type { ClockState } from '../sync/terminal-clock.ts';

export const PAYMENT_LABELS: Record<string, { zh: string; en: string }> = {
  cash: { zh: '现金', en: 'Cash' },
  qr: { zh: '扫码', en: 'QR code' },
  'card-balance': { zh: '卡内余额', en: 'Card balance' },
};

/** A refusal the cashier sees, in words, with a stable code. */
export class CounterError extends Error {
  override readonly name = 'CounterError';
  constructor(
    readonly code: string,
    readonly status: number,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export interface Reason {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

/** What the cashier and the elder see after a tap: price, subsidy, what to pay, and why. */
export interface QuoteView {
  readonly quoteId: string;
  readonly mode: 'online' | 'offline';
  readonly cardUid: string | null;
  readonly elder: { readonly maskedName: string } | null;
  readonly items: ShownSale['items'];
  readonly channel: 'dine-in' | 'delivery';
  readonly totalFen: number;
  readonly subsidyFen: number;
  readonly elderPaysFen: number;
  readonly reason: Reason | null;
  readonly notice: Reason | null;
  /**
   * The reason as the elder reads it on the public display: about the meal or the caps, else a
   * neutral sentence (never a death, a lost card or eligibility).
   */
  readonly reasonForTheElder: ReasonText | null;
}

export interface SaleView {
  readonly saleId: string;
  readonly seq: number;
  /** When the sale was confirmed at the counter (the display thanks the elder from then on). */
  readonly at: number;
  /** The sale's time: the tap, as recorded, printed and listed everywhere. */
  readonly occurredAt: number;
  readonly offline: boolean;
  readonly state: 'recorded' | 'waiting' | 'refused' | 'voided' | 'void-waiting';
  readonly shown: ShownSale;
  /** The service did not reimburse all of the subsidy the counter applied (offline over a cap …). */
  readonly subsidyRefused: readonly { readonly reason: string; readonly fen: number }[];
  readonly refusal: {
    readonly code: string;
    readonly detail?: string;
    readonly zh: string;
    readonly en: string;
  } | null;
}

/** A sale of this terminal as the pages list it: where it stands with the service. */
export function saleViewOf(entry: OutboxEntry): SaleView {
  const state = entry.refusal
    ? 'refused'
    : entry.void?.recorded
      ? 'voided'
      : entry.void && !entry.void.refusal
        ? 'void-waiting'
        : entry.answer
          ? 'recorded'
          : 'waiting';
  return {
    saleId: entry.saleId,
    seq: entry.seq,
    at: entry.at,
    occurredAt: Date.parse(entry.body.occurredAt),
    offline: entry.body.offline === true,
    state,
    shown: entry.shown,
    subsidyRefused: entry.answer?.excluded ?? [],
    refusal: refusalView(entry.refusal ?? entry.void?.refusal ?? null),
  };
}

export interface CounterState {
  readonly terminalId: string;
  readonly canteenName: string | null;
  readonly online: boolean;
  readonly lastContactAt: number | null;
  readonly queued: number;
  readonly syncing: { readonly done: number; readonly total: number } | null;
  /** Why the queue cannot be sent, when the service refuses the terminal itself. */
  readonly syncBlocked: string | null;
  /** The PC's clock against the service's: when it is off, sales are timed by the service's clock. */
  readonly clock: ClockState;
  readonly copyAt: number | null;
  readonly cashier: { readonly cashierId: string; readonly name: string; readonly role: string } | null;
  readonly printer: { readonly status: string; readonly queued: number };
  readonly reader: { readonly kind: string; readonly status: string };
  readonly menu: readonly { readonly itemId: string; readonly name: string; readonly priceFen: number }[];
  readonly paymentMethods: readonly string[];
  readonly quote: QuoteView | null;
  readonly lastSale: SaleView | null;
  /** When the latest tap was refused, if it was: what the last person saw must not stay on show. */
  readonly refusedTapAt: number | null;
  readonly demoCards: readonly string[];
  readonly lang: string;
}

export interface MealRequest {
  readonly cardUid: string | null;
  readonly items: readonly { readonly itemId: string; readonly qty: number }[];
  readonly channel?: 'dine-in' | 'delivery';
}

export const NOT_IN_COPY: Reason = {
  code: 'card-not-in-copy',
  zh: '本机资料中没有此卡：脱机按原价收费',
  en: 'Card not in this terminal’s data: full price while offline',
};

/** What the cashier can do about a refusal, where there is something to do; the catalogue names it. */
const ADVICE_ZH: Partial<Record<ProblemCode, string>> = {
  'card-unknown': '可按散客原价销售',
  'item-unknown': '菜单可能刚更新，请稍候再试',
  'clock-skew': '请校准时间后再试',
};

/** A refused sale as the pages list it: its code, the service's detail, and the code's title in both languages. */
export function refusalView(refusal: Refusal | null): SaleView['refusal'] {
  if (!refusal) return null;
  return {
    code: refusal.code,
    ...(refusal.detail ? { detail: refusal.detail } : {}),
    ...problemTitles(refusal.code),
  };
}

/**
 * A refusal by the service or the domain, in the cashier's words: the code's title and advice in
 * Chinese; in English the English detail where there is one (the domain's), else the code's title.
 */
export function refusalAtCounter(code: string, status: number, detailEn?: string): CounterError {
  const en =
    code === 'card-unknown'
      ? 'Card not registered: sell as a guest at full price'
      : `Refused: ${detailEn ?? problemTitles(code).en}`;
  const title = isProblemCode(code) ? PROBLEM_CATALOGUE[code].titleZh : `服务拒绝：${code}`;
  const advice = isProblemCode(code) ? ADVICE_ZH[code] : undefined;
  return new CounterError(code, status, advice ? `${title}，${advice}` : title, en);
}

export function reasonOf(code: string): Reason {
  const text = SUBSIDY_REASON_TEXT[code as SubsidyReasonCode];
  return { code, zh: text?.zh ?? code, en: text?.en ?? code };
}
