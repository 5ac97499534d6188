import { z } from 'zod';
import { maskName } from '../../domain/identity/national-id.ts';
import { formatYuan } from '../../domain/money.ts';
import { SUBSIDY_REASON_TEXT } from '../../domain/policy/reasons.ts';
import type { MealSoldData } from '../../domain/sales/sale.ts';

const fundingSchema = z.object({ source: z.string(), fen: z.number().int() });
/** The answer to a sale (API.md), derived from the recorded sale alone so that a retry gets the same. */
export const saleAnswerSchema = z
  .object({
    saleId: z.string(),
    status: z.enum(['recorded', 'voided']),
    businessDate: z.string(),
    period: z.string().nullable(),
    totalFen: z.number().int(),
    subsidyFen: z.number().int(),
    elderPaysFen: z.number().int(),
    lines: z.array(z.object({ ruleId: z.string(), fen: z.number().int(), funding: z.array(fundingSchema) })),
    excluded: z.array(z.object({ reason: z.string(), fen: z.number().int() })).optional(),
    reason: z.object({ code: z.string(), zh: z.string(), en: z.string() }).optional(),
    elder: z.object({ maskedName: z.string() }).optional(),
    notice: z
      .object({ code: z.literal('offline-debt'), owedFen: z.number().int(), zh: z.string(), en: z.string() })
      .optional()
      .describe('offline subsidy the elder owes canteens, shown once at the next sale'),
  })
  .meta({ id: 'SaleAnswer' });

export type SaleAnswer = z.output<typeof saleAnswerSchema>;

/** What a sale would get if recorded now (`status: quoted`); nothing is recorded. */
export const quoteAnswerSchema = saleAnswerSchema
  .extend({
    status: z.literal('quoted'),
    items: z
      .array(
        z.object({
          itemId: z.string(),
          name: z.string(),
          unitPriceFen: z.number().int(),
          qty: z.number().int(),
        }),
      )
      .readonly()
      .describe("the items priced from the canteen's menu now"),
  })
  .meta({ id: 'SaleQuote' });

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
