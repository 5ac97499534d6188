/**
 * Why a meal got no subsidy, or less than it might have. Codes are stable and machine-readable; the
 * texts never name the elder's category, because the cashier's screen is seen by people nearby.
 */
export const SUBSIDY_REASON_CODES = [
  'no-card',
  'no-policy',
  'outside-periods',
  'elder-deceased',
  'out-of-scope',
  'card-retired',
  'card-unknown',
  'not-eligible',
  'period-not-subsidised',
  'channel-not-subsidised',
  'below-min-spend',
  'nothing-to-subsidise',
  'outside-locality',
  'cap-day',
  'cap-week',
  'cap-month',
  'cap-period',
  'cap-group',
] as const;

export type SubsidyReasonCode = (typeof SUBSIDY_REASON_CODES)[number];

/** Why part of an offline subsidy is not reimbursed (不予结算原因). */
export type ExclusionReason = 'offline-mismatch' | 'offline-over-cap';

export interface ReasonText {
  readonly zh: string;
  readonly en: string;
}

export const SUBSIDY_REASON_TEXT: Readonly<Record<SubsidyReasonCode, ReasonText>> = {
  'no-card': { zh: '未刷卡，按原价收费', en: 'No card: full price' },
  'no-policy': { zh: '当日无补贴政策', en: 'No subsidy policy in force today' },
  'outside-periods': { zh: '不在供餐时段', en: 'Outside meal hours' },
  'elder-deceased': { zh: '持卡老人已身故，不予补贴', en: 'The cardholder has died: no subsidy' },
  'out-of-scope': { zh: '本食堂不在该卡补贴范围内', en: 'This canteen is outside the card’s subsidy area' },
  'card-retired': { zh: '卡已挂失或换卡', en: 'Card reported lost or replaced' },
  'card-unknown': { zh: '卡片未登记', en: 'Card not registered' },
  'not-eligible': { zh: '不符合补贴条件', en: 'Not eligible for a subsidy' },
  'period-not-subsidised': { zh: '本餐次无补贴', en: 'No subsidy for this meal period' },
  'channel-not-subsidised': {
    zh: '此用餐方式无补贴',
    en: 'No subsidy for this way of eating (dine-in or delivery)',
  },
  'below-min-spend': { zh: '未达补贴最低消费', en: 'Below the minimum spend for a subsidy' },
  'nothing-to-subsidise': { zh: '本餐无可补贴金额', en: 'Nothing left to subsidise at this price' },
  'outside-locality': {
    zh: '非本区镇用餐，属地补贴不适用',
    en: 'Eating outside the home district or town: local shares do not apply',
  },
  'cap-day': { zh: '今日补贴次数已用完', en: 'Today’s subsidised meals are used up' },
  'cap-week': { zh: '本周补贴次数已用完', en: 'This week’s subsidised meals are used up' },
  'cap-month': { zh: '本月补贴次数已用完', en: 'This month’s subsidised meals are used up' },
  'cap-period': { zh: '本餐次补贴次数已用完', en: 'Subsidised meals for this meal period are used up' },
  'cap-group': { zh: '部分补贴次数已用完', en: 'Part of the subsidy is used up for now' },
};

export const EXCLUSION_REASON_TEXT: Readonly<Record<ExclusionReason, ReasonText>> = {
  'offline-mismatch': {
    zh: '脱机补贴高于应补金额，不予结算',
    en: 'Offline subsidy above what the meal qualifies for: not reimbursed',
  },
  'offline-over-cap': {
    zh: '脱机期间超出补贴次数，不予结算',
    en: 'Offline subsidy beyond the caps: not reimbursed',
  },
};

/**
 * Reasons about the meal or the caps, which the elder may read on the public display and the
 * receipt. The others (a death, a lost card, eligibility, the home district) are about the person:
 * they go to the cashier's screen only, and the elder reads `NEUTRAL_REASON`.
 */
const REASONS_FOR_THE_ELDER: ReadonlySet<string> = new Set<SubsidyReasonCode>([
  'no-card',
  'no-policy',
  'outside-periods',
  'period-not-subsidised',
  'channel-not-subsidised',
  'below-min-spend',
  'nothing-to-subsidise',
  'cap-day',
  'cap-week',
  'cap-month',
  'cap-period',
  'cap-group',
]);

export const NEUTRAL_REASON: ReasonText = {
  zh: '补贴详情请问收银员',
  en: 'Please ask the cashier about the subsidy',
};

/** What the elder reads for a reason code: its text when it is about the meal, else the neutral one. */
export function reasonForTheElder(code: string): ReasonText {
  return REASONS_FOR_THE_ELDER.has(code) ? SUBSIDY_REASON_TEXT[code as SubsidyReasonCode] : NEUTRAL_REASON;
}
