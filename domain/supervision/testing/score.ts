import { ALERT_KINDS, type Alert, type AlertKind } from '../alert.ts';
import type { PlantedCase } from './scenario.ts';

/** How one kind of check did on a scenario: planted cases found, and alerts that were true. */
export interface KindScore {
  readonly kind: AlertKind;
  readonly planted: number;
  readonly found: number;
  readonly alerts: number;
  readonly trueAlerts: number;
  readonly recall: number;
  readonly precision: number;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

/**
 * Per kind: a planted case is found when an alert of its kind names one of its sales; an alert is
 * true when it names a sale of a planted case of its kind.
 */
export function scoreAlerts(
  alerts: readonly Pick<Alert, 'kind' | 'saleIds'>[],
  planted: readonly PlantedCase[],
): KindScore[] {
  return ALERT_KINDS.map((kind) => {
    const cases = planted.filter((entry) => entry.kind === kind).map((entry) => new Set(entry.saleIds));
    const ofKind = alerts.filter((alert) => alert.kind === kind);
    const hits = (alert: Pick<Alert, 'saleIds'>, sales: Set<string>) =>
      alert.saleIds.some((saleId) => sales.has(saleId));
    const found = cases.filter((sales) => ofKind.some((alert) => hits(alert, sales))).length;
    const trueAlerts = ofKind.filter((alert) => cases.some((sales) => hits(alert, sales))).length;
    return {
      kind,
      planted: cases.length,
      found,
      alerts: ofKind.length,
      trueAlerts,
      recall: ratio(found, cases.length),
      precision: ratio(trueAlerts, ofKind.length),
    };
  });
}

/** The scores as a table to print. */
export function scoreTable(title: string, scores: readonly KindScore[]): string {
  return [
    title,
    'kind              planted found alerts  recall precision',
    ...scores.map(
      (row) =>
        `${row.kind.padEnd(18)}${String(row.planted).padStart(7)}${String(row.found).padStart(6)}${String(row.alerts).padStart(7)}` +
        `${row.recall.toFixed(2).padStart(8)}${row.precision.toFixed(2).padStart(10)}`,
    ),
  ].join('\n');
}
