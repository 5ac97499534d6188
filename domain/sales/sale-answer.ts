import { z } from 'zod';

/*
 * What the service answers to a sale, a quote and a batch (docs/api.en.md): declared once, so that the
 * service's routes answer by these schemas and the counter terminal reads its answers by them.
 */

const fundingSchema = z.object({ source: z.string(), fen: z.number().int() });
/** The answer to a sale (docs/api.en.md), derived from the recorded sale alone so that a retry gets the same. */
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

export type QuoteAnswer = z.output<typeof quoteAnswerSchema>;

/**
 * A refused sale in a batch: the problem the single request would have answered, whole (`type`,
 * `title`, `status`, `detail`, `code`, `errors`), in the language the batch request asked for.
 */
export const problemAnswerSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type ProblemAnswer = z.output<typeof problemAnswerSchema>;

export const batchResultSchema = z
  .object({
    saleId: z.string().nullable(),
    status: z.number().int().describe('what POST /api/v1/sales would have answered: 201, 200 or a 4xx'),
    sale: saleAnswerSchema.optional(),
    problem: problemAnswerSchema.optional(),
  })
  .meta({ id: 'SaleBatchResult' });

export type BatchResult = z.output<typeof batchResultSchema>;

/** The answer to a batch: one result per sale sent, in the order sent. */
export const batchAnswerSchema = z.object({ results: z.array(batchResultSchema) });
