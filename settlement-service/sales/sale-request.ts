import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../domain/canonical-json.ts';
import { fen } from '../../domain/money.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { CLOCK_SKEW_ALLOWANCE_MS, type SellMeal } from '../../domain/sales/sale.ts';
import { formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';
import { fenSchema, idSchema, instantSchema } from '../http/common-schemas.ts';

export const saleBodySchema = z
  .strictObject({
    saleId: z.uuid(),
    terminalSeq: z.number().int().min(0),
    occurredAt: instantSchema,
    channel: z.enum(['dine-in', 'delivery']),
    cardUid: z.string().min(1).max(64).optional(),
    items: z
      .array(z.strictObject({ itemId: idSchema, qty: z.number().int().min(1).max(100) }))
      .min(1)
      .max(50),
    payment: z.strictObject({ method: z.string().min(1).max(30) }).optional(),
    offline: z.literal(true).optional(),
    appliedSubsidyFen: fenSchema.optional(),
    /** The terminal's own clock when it sent the request; refused when far off. */
    sentAt: instantSchema.optional(),
    /** The cashier signed in at the terminal (recorded with the sale). */
    cashierId: idSchema.optional(),
  })
  .superRefine((body, context) => {
    if (body.offline && body.appliedSubsidyFen === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['appliedSubsidyFen'],
        message: 'an offline sale says the subsidy it applied',
      });
    }
    if (!body.offline && body.appliedSubsidyFen !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['appliedSubsidyFen'],
        message: 'only an offline sale carries an applied subsidy',
      });
    }
  })
  .meta({ id: 'SaleRequest' });

export type SaleBody = z.output<typeof saleBodySchema>;

export const voidBodySchema = z
  .strictObject({
    reason: z.string().min(1).max(200),
    /** When the void was made by the caller's clock; absent: when the service records it. */
    occurredAt: instantSchema.optional(),
  })
  .meta({ id: 'VoidRequest' });

/**
 * The sale as a command. Its fingerprint identifies the request's content per docs/api.en.md: `sentAt`
 * dropped, defaults filled, `occurredAt` as an instant; and the terminal that sent it, so that
 * another terminal replaying a sale id gets a conflict, not someone else's sale.
 */
export function toSellMeal(body: SaleBody, terminalId: string): SellMeal {
  const normalized = {
    terminalId,
    saleId: body.saleId,
    terminalSeq: body.terminalSeq,
    occurredAt: body.occurredAt,
    channel: body.channel,
    cardUid: body.cardUid ?? null,
    items: body.items,
    payment: body.payment ?? null,
    offline: body.offline ? { appliedSubsidyFen: fen(body.appliedSubsidyFen ?? 0) } : null,
    cashierId: body.cashierId ?? null,
  };
  const { cashierId: _cashierId, terminalId: _terminalId, ...command } = normalized;
  return { ...command, fingerprint: createHash('sha256').update(canonicalJson(normalized)).digest('hex') };
}

/** Refuses a sale time in the future and a terminal clock that is off (by `sentAt`). */
export function assertClockWithinAllowance(body: SaleBody, now: number): void {
  if (body.occurredAt > now + CLOCK_SKEW_ALLOWANCE_MS) {
    throw problemFor(
      'clock-skew',
      'occurredAt lies in the future',
      { errors: [{ path: 'occurredAt', message: 'in the future' }] },
      {
        detail: '销售时间(occurredAt)在未来，请校准终端时钟',
        extra: { errors: [{ path: 'occurredAt', message: '时间在未来' }] },
      },
    );
  }
  if (body.sentAt !== undefined && Math.abs(body.sentAt - now) > CLOCK_SKEW_ALLOWANCE_MS) {
    throw problemFor(
      'clock-skew',
      "the terminal's clock is off by more than 5 minutes; set it and send again",
      {
        errors: [{ path: 'sentAt', message: 'off by more than 5 minutes' }],
        serverTime: formatShanghaiInstant(now),
      },
      {
        detail: '终端时钟偏差超过 5 分钟，请校准后重新发送',
        extra: { errors: [{ path: 'sentAt', message: '偏差超过 5 分钟' }] },
      },
    );
  }
}
