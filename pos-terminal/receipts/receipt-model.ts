/**
 * What a receipt says, independent of any printer: a list of lines that `escpos.ts` lays out for the
 * paper width. Pure: no I/O, no clock.
 */
import { formatMoney } from '../../domain/money.ts';
import { businessDateOf, formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';

export type ReceiptLine =
  | { kind: 'text'; text: string; align?: 'left' | 'center' | 'right'; bold?: boolean; large?: boolean }
  /** Left-aligned label, right-aligned value on one line; the label wraps when it does not fit. */
  | { kind: 'pair'; left: string; right: string; bold?: boolean; large?: boolean }
  | { kind: 'rule' }
  | { kind: 'qr'; data: string }
  | { kind: 'feed'; lines: number };

/** A receipt ready to encode; the paper is cut after the last line. */
export interface ReceiptModel {
  readonly lines: readonly ReceiptLine[];
}

export type ReceiptLanguage = 'zh-CN' | 'en';

export interface SaleReceiptInput {
  canteenName: string;
  terminalId: string;
  /** terminalSeq: the terminal's own running sale number */
  saleNumber: number;
  /** uuid of the sale; the QR code carries it so a receipt leads back to its sale */
  saleId: string;
  /** epoch ms, printed as Asia/Shanghai wall-clock time */
  occurredAt: number;
  cashierName: string | null;
  items: { name: string; qty: number; unitPriceFen: number; lineFen: number }[];
  totalFen: number;
  subsidyFen: number;
  elderPaysFen: number;
  /** Why there is no subsidy or less, as the elder may read it (今日补贴次数已用完); null for none. */
  subsidyNote: string | null;
  /** e.g. 张*明; null for a guest sale */
  maskedName: string | null;
  /** already a display label, e.g. 现金 */
  paymentMethod: string | null;
  /** sold while the terminal could not reach the settlement service */
  offline: boolean;
  reprint?: boolean;
  lang: ReceiptLanguage;
}

/** 作废凭证: the slip printed when a sale is voided, kept with the day's receipts. */
export interface VoidSlipInput {
  canteenName: string;
  terminalId: string;
  saleNumber: number;
  saleId: string;
  /** When the sale was made (as on its receipt) and when it was voided, epoch ms. */
  occurredAt: number;
  voidedAt: number;
  /** Who voided it (the manager whose PIN was given). */
  voidedBy: string;
  reason: string;
  totalFen: number;
  subsidyFen: number;
  elderPaysFen: number;
  lang: ReceiptLanguage;
}

export interface DayReportInput {
  canteenName: string;
  terminalId: string;
  /** 营业日, YYYY-MM-DD */
  businessDate: string;
  printedAt: number;
  periods: {
    /** 'breakfast' | 'lunch' | 'dinner' | 'other' */
    period: string;
    meals: number;
    subsidisedMeals: number;
    unsubsidisedMeals: number;
    portions: number;
    totalFen: number;
    subsidyFen: number;
    elderPaysFen: number;
  }[];
  totals: {
    meals: number;
    subsidisedMeals: number;
    unsubsidisedMeals: number;
    guestMeals: number;
    portions: number;
    totalFen: number;
    subsidyFen: number;
    elderPaysFen: number;
    voids: number;
    offlineMeals: number;
  };
  lang: ReceiptLanguage;
}

const WORDS = {
  'zh-CN': {
    reprint: '重印',
    saleTitle: '消费小票',
    terminal: '终端',
    saleNumber: '单号',
    time: '时间',
    cashier: '收银员',
    total: '合计',
    subsidy: '补贴',
    elderPays: '实付',
    payment: '支付方式',
    voidTitle: '作废凭证',
    voidedAt: '作废时间',
    voidedBy: '作废人',
    voidReason: '作废原因',
    refund: '应退',
    received: '实收',
    diner: '就餐人',
    offline: '脱机交易',
    thanks: '谢谢惠顾',
    dayTitle: '日结报表',
    businessDate: '营业日',
    printedAt: '打印时间',
    meals: '就餐人次',
    subsidisedMeals: '补贴人次',
    unsubsidisedMeals: '未补贴人次',
    guestMeals: '其中散客',
    portions: '份数',
    amount: '金额合计',
    voids: '作废笔数',
    offlineMeals: '脱机笔数',
    allDay: '全天合计',
    noSales: '无销售',
    periods: { breakfast: '早餐', lunch: '午餐', dinner: '晚餐', other: '其他' } as Record<string, string>,
  },
  en: {
    reprint: 'REPRINT',
    saleTitle: 'Receipt',
    terminal: 'Terminal',
    saleNumber: 'Sale no.',
    time: 'Time',
    cashier: 'Cashier',
    total: 'Total',
    subsidy: 'Subsidy',
    elderPays: 'Paid',
    payment: 'Payment',
    voidTitle: 'VOID',
    voidedAt: 'Voided at',
    voidedBy: 'Voided by',
    voidReason: 'Reason',
    refund: 'To refund',
    received: 'Received',
    diner: 'Diner',
    offline: 'offline sale',
    thanks: 'Thank you',
    dayTitle: 'Day report',
    businessDate: 'Business date',
    printedAt: 'Printed',
    meals: 'Meals',
    subsidisedMeals: 'Subsidised meals',
    unsubsidisedMeals: 'Unsubsidised meals',
    guestMeals: 'of which guests',
    portions: 'Portions',
    amount: 'Total',
    voids: 'Voids',
    offlineMeals: 'Offline sales',
    allDay: 'Whole day',
    noSales: 'No sales',
    periods: { breakfast: 'Breakfast', lunch: 'Lunch', dinner: 'Dinner', other: 'Other' } as Record<
      string,
      string
    >,
  },
} as const;

/** 2026-10-08 12:00:05 in Asia/Shanghai, whatever the terminal's own time zone. */
export function formatReceiptTime(instant: number): string {
  return `${businessDateOf(instant)} ${formatShanghaiInstant(instant).slice(11, 19)}`;
}

export function saleReceipt(input: SaleReceiptInput): ReceiptModel {
  const w = WORDS[input.lang];
  const lines: ReceiptLine[] = [];
  if (input.reprint) lines.push({ kind: 'text', text: `*** ${w.reprint} ***`, align: 'center', bold: true });
  lines.push(
    { kind: 'text', text: input.canteenName, align: 'center', bold: true, large: true },
    { kind: 'text', text: w.saleTitle, align: 'center' },
    { kind: 'rule' },
    { kind: 'pair', left: w.terminal, right: input.terminalId },
    { kind: 'pair', left: w.saleNumber, right: `#${input.saleNumber}` },
    { kind: 'pair', left: w.time, right: formatReceiptTime(input.occurredAt) },
  );
  if (input.cashierName !== null) lines.push({ kind: 'pair', left: w.cashier, right: input.cashierName });
  lines.push({ kind: 'rule' });
  for (const item of input.items) {
    lines.push({ kind: 'pair', left: item.name, right: formatMoney(item.lineFen) });
    if (item.qty !== 1) {
      lines.push({ kind: 'text', text: `  ${item.qty} x ${formatMoney(item.unitPriceFen)}` });
    }
  }
  lines.push(
    { kind: 'rule' },
    { kind: 'pair', left: w.total, right: formatMoney(input.totalFen) },
    { kind: 'pair', left: w.subsidy, right: formatMoney(-input.subsidyFen) },
  );
  if (input.subsidyNote !== null) lines.push({ kind: 'text', text: `  ${input.subsidyNote}` });
  lines.push({
    kind: 'pair',
    left: w.elderPays,
    right: formatMoney(input.elderPaysFen),
    bold: true,
    large: true,
  });
  if (input.paymentMethod !== null) lines.push({ kind: 'pair', left: w.payment, right: input.paymentMethod });
  if (input.maskedName !== null) lines.push({ kind: 'pair', left: w.diner, right: input.maskedName });
  if (input.offline) lines.push({ kind: 'text', text: w.offline, align: 'center' });
  lines.push(
    { kind: 'rule' },
    { kind: 'qr', data: input.saleId },
    { kind: 'text', text: input.saleId, align: 'center' },
    { kind: 'text', text: w.thanks, align: 'center' },
    { kind: 'feed', lines: 1 },
  );
  return { lines };
}

/** 作废凭证: which sale was voided, when, by whom and why, and what is handed back. */
export function voidSlip(input: VoidSlipInput): ReceiptModel {
  const w = WORDS[input.lang];
  return {
    lines: [
      { kind: 'text', text: input.canteenName, align: 'center', bold: true, large: true },
      { kind: 'text', text: w.voidTitle, align: 'center', bold: true, large: true },
      { kind: 'rule' },
      { kind: 'pair', left: w.terminal, right: input.terminalId },
      { kind: 'pair', left: w.saleNumber, right: `#${input.saleNumber}` },
      { kind: 'pair', left: w.time, right: formatReceiptTime(input.occurredAt) },
      { kind: 'pair', left: w.voidedAt, right: formatReceiptTime(input.voidedAt) },
      { kind: 'pair', left: w.voidedBy, right: input.voidedBy },
      { kind: 'pair', left: w.voidReason, right: input.reason },
      { kind: 'rule' },
      { kind: 'pair', left: w.total, right: formatMoney(input.totalFen) },
      { kind: 'pair', left: w.subsidy, right: formatMoney(-input.subsidyFen) },
      { kind: 'pair', left: w.refund, right: formatMoney(input.elderPaysFen), bold: true },
      { kind: 'rule' },
      { kind: 'qr', data: input.saleId },
      { kind: 'text', text: input.saleId, align: 'center' },
      { kind: 'feed', lines: 1 },
    ],
  };
}

/** 日结报表: the day's counts and money at one terminal, by meal period and for the whole day. */
export function dayReport(input: DayReportInput): ReceiptModel {
  const w = WORDS[input.lang];
  const count = (n: number): string => String(n);
  const lines: ReceiptLine[] = [
    { kind: 'text', text: input.canteenName, align: 'center', bold: true, large: true },
    { kind: 'text', text: w.dayTitle, align: 'center', bold: true },
    { kind: 'rule' },
    { kind: 'pair', left: w.businessDate, right: input.businessDate },
    { kind: 'pair', left: w.terminal, right: input.terminalId },
    { kind: 'pair', left: w.printedAt, right: formatReceiptTime(input.printedAt) },
    { kind: 'rule' },
  ];
  if (input.periods.length === 0) lines.push({ kind: 'text', text: w.noSales, align: 'center' });
  for (const period of input.periods) {
    lines.push(
      { kind: 'text', text: w.periods[period.period] ?? period.period, bold: true },
      { kind: 'pair', left: w.meals, right: count(period.meals) },
      { kind: 'pair', left: w.subsidisedMeals, right: count(period.subsidisedMeals) },
      { kind: 'pair', left: w.unsubsidisedMeals, right: count(period.unsubsidisedMeals) },
      { kind: 'pair', left: w.portions, right: count(period.portions) },
      { kind: 'pair', left: w.amount, right: formatMoney(period.totalFen) },
      { kind: 'pair', left: w.subsidy, right: formatMoney(period.subsidyFen) },
      { kind: 'pair', left: w.received, right: formatMoney(period.elderPaysFen) },
    );
  }
  const t = input.totals;
  lines.push(
    { kind: 'rule' },
    { kind: 'text', text: w.allDay, bold: true },
    { kind: 'pair', left: w.meals, right: count(t.meals) },
    { kind: 'pair', left: w.subsidisedMeals, right: count(t.subsidisedMeals) },
    { kind: 'pair', left: w.unsubsidisedMeals, right: count(t.unsubsidisedMeals) },
    { kind: 'pair', left: `  ${w.guestMeals}`, right: count(t.guestMeals) },
    { kind: 'pair', left: w.portions, right: count(t.portions) },
    { kind: 'pair', left: w.amount, right: formatMoney(t.totalFen), bold: true },
    { kind: 'pair', left: w.subsidy, right: formatMoney(t.subsidyFen), bold: true },
    { kind: 'pair', left: w.received, right: formatMoney(t.elderPaysFen), bold: true },
    { kind: 'pair', left: w.voids, right: count(t.voids) },
    { kind: 'pair', left: w.offlineMeals, right: count(t.offlineMeals) },
    { kind: 'feed', lines: 1 },
  );
  return { lines };
}
