import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { type BusinessDate, type MonthKey, monthKeyOf } from '../time/calendar.ts';

export const ALERT_KINDS = [
  'impossible-travel',
  'after-death',
  'retired-card',
  'outside-hours',
  'closed-day',
  'regular-counts',
  'area-excess',
  'card-farming',
  'void-rate',
  'void-rate-peers',
  'void-after-close',
  'offline-over-cap',
] as const;

/** 预警类型: which check raised an alert. */
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'high' | 'medium' | 'low';

export interface AlertText {
  readonly zh: string;
  readonly en: string;
}

/** 监管预警: what a check found, with the sales and events it rests on. */
export interface Alert {
  /** Derived from the kind and the evidence: the same finding always has the same id. */
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly canteenId: string;
  /** The business date the finding is about (for a window of days: its last day). */
  readonly businessDate: BusinessDate;
  readonly month: MonthKey;
  /** The sales whose subsidy a confirmation excludes from reimbursement. */
  readonly saleIds: readonly string[];
  /** Every event the finding rests on (sales, voids, deaths, card retirements). */
  readonly eventIds: readonly string[];
  readonly explanation: AlertText;
  /** The figures of the explanation, for tables and sorting. */
  readonly figures: Readonly<Record<string, number>>;
}

export const alertStream = (alertId: string) => `alert-${alertId}`;

/** The id of a finding: its kind and a key naming its evidence (sale ids, canteen and day …). */
export function alertIdOf(kind: AlertKind, key: readonly string[]): string {
  const hash = createHash('sha256').update(canonicalJson({ key, kind })).digest('hex');
  return `${kind}-${hash.slice(0, 24)}`;
}

export interface AlertDraft {
  readonly kind: AlertKind;
  /** What identifies this finding among all of its kind. */
  readonly key: readonly string[];
  readonly severity: AlertSeverity;
  readonly canteenId: string;
  readonly businessDate: BusinessDate;
  readonly saleIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly explanation: AlertText;
  readonly figures: Readonly<Record<string, number>>;
}

/** An alert from a check's draft; sale and event ids are sorted so that arrival order does not show. */
export function alertOf(draft: AlertDraft): Alert {
  return {
    alertId: alertIdOf(draft.kind, draft.key),
    kind: draft.kind,
    severity: draft.severity,
    canteenId: draft.canteenId,
    businessDate: draft.businessDate,
    month: monthKeyOf(draft.businessDate),
    saleIds: [...new Set(draft.saleIds)].sort(),
    eventIds: [...new Set(draft.eventIds)].sort(),
    explanation: draft.explanation,
    figures: draft.figures,
  };
}
