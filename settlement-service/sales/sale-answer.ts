import { maskName } from '../../domain/identity/national-id.ts';
import { formatYuan } from '../../domain/money.ts';
import { SUBSIDY_REASON_TEXT } from '../../domain/policy/reasons.ts';
import type { SaleAnswer } from '../../domain/sales/sale-answer.ts';
import type { MealSoldData } from '../../domain/sales/sale-events.ts';

type AnswerStatus = SaleAnswer['status'] | 'quoted';

/** The counter shows the elder by masked name only; the eligibility category never. */
export function answerOf(sold: MealSoldData, status: AnswerStatus, elderName: string | null): SaleAnswer {
  const firstReason = sold.reasons[0];
  return {
    saleId: sold.saleId,
    status: status as SaleAnswer['status'],
    businessDate: sold.businessDate,
    period: sold.period,
    totalFen: sold.totalFen,
    subsidyFen: sold.subsidyFen,
    elderPaysFen: sold.elderPaysFen,
    lines: sold.lines.map((line) => ({
      ruleId: line.ruleId,
      fen: line.fen,
      funding: line.funding.map(({ source, fen }) => ({ source, fen })),
    })),
    ...(sold.excluded.length > 0
      ? { excluded: sold.excluded.map(({ reason, fen }) => ({ reason, fen })) }
      : {}),
    ...(firstReason ? { reason: { code: firstReason, ...SUBSIDY_REASON_TEXT[firstReason] } } : {}),
    ...(elderName ? { elder: { maskedName: maskName(elderName) } } : {}),
    ...(sold.notice ? { notice: debtNotice(sold.notice.owedFen) } : {}),
  };
}

function debtNotice(owedFen: number) {
  const yuan = formatYuan(owedFen);
  return {
    code: 'offline-debt' as const,
    owedFen,
    zh: `您有脱机消费欠款${yuan}元，请向食堂补交`,
    en: `You owe canteens ${yuan} yuan from offline sales`,
  };
}
