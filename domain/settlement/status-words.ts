import type { SettlementStatus } from './settlement.ts';

/**
 * 结算状态的说法: one word per state of a month, for everything people read (statements, exports,
 * the dashboard). The dashboard's page keeps its own copy in `i18n.js` (a page cannot import
 * TypeScript); `tests/settlement-words.unit.test.ts` holds the two to the same words.
 */
export const SETTLEMENT_STATUS_WORDS: Readonly<
  Record<SettlementStatus, { readonly zh: string; readonly en: string }>
> = {
  open: { zh: '未关账(数字暂定)', en: 'Open (provisional)' },
  closed: { zh: '已关账', en: 'Closed' },
  reviewed: { zh: '已审核', en: 'Reviewed' },
  approved: { zh: '已批准', en: 'Approved' },
  paid: { zh: '已拨付', en: 'Paid' },
};

/** The state of a month in Chinese, as statements and exports print it. */
export function settlementStatusText(status: SettlementStatus): string {
  return SETTLEMENT_STATUS_WORDS[status].zh;
}
