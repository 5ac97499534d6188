import { canteen, canteenDetailsAt, canteenStream } from '../../domain/canteens/canteen.ts';
import { card, cardAt, cardStream } from '../../domain/cards/card.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { type ElderEvent, elder, elderStream } from '../../domain/elders/elder.ts';
import { maskName } from '../../domain/identity/national-id.ts';
import { POLICY_REGISTER_STREAM, policyRegister } from '../../domain/policies/policy-register.ts';
import { policyInForceOn } from '../../domain/policy/policy-validity.ts';
import { SUBSIDY_REASON_TEXT, type SubsidyReasonCode } from '../../domain/policy/reasons.ts';
import {
  allowanceRelease,
  decideSale,
  type MealSoldData,
  type SaleState,
  type SellMeal,
  sale,
  saleStream,
} from '../../domain/sales/sale.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { ConcurrencyError, EventIdConflictError } from '../../event-store/errors.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import { deterministicEventId } from '../event-sourcing/deterministic-id.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';

export interface TerminalIdentity {
  readonly terminalId: string;
  readonly canteenId: string;
}

/** The answer to a sale (API.md), derived from the recorded sale alone so that a retry gets the same. */
export interface SaleAnswer {
  readonly saleId: string;
  readonly status: 'recorded' | 'voided';
  readonly businessDate: string;
  readonly period: string | null;
  readonly totalFen: number;
  readonly subsidyFen: number;
  readonly elderPaysFen: number;
  readonly lines: readonly {
    ruleId: string;
    fen: number;
    funding: readonly { source: string; fen: number }[];
  }[];
  readonly excluded?: readonly { reason: string; fen: number }[];
  /** Why there is no (or a smaller) subsidy, in words for the cashier; never the elder's category. */
  readonly reason?: { readonly code: SubsidyReasonCode; readonly zh: string; readonly en: string };
  /** The elder as the counter may show them: masked name only. */
  readonly elder?: { readonly maskedName: string };
}

/** 售餐: records sales exactly once and decides their subsidy under the elder's allowance. */
export class SalesService {
  constructor(private readonly repository: AggregateRepository) {}

  async sell(command: SellMeal, terminal: TerminalIdentity, cashierId: string | null, context: EventContext) {
    const existing = await this.repository.load(saleStream(command.saleId), sale);
    if (existing.state.status !== 'none')
      return { created: false, answer: this.answerFor(existing.state, command) };

    const canteenState = (await this.repository.load(canteenStream(terminal.canteenId), canteen)).state;
    const details = canteenDetailsAt(canteenState, command.occurredAt);
    if (!details)
      throw new DomainError(
        'not-allowed',
        'canteen-unknown',
        `canteen ${terminal.canteenId} is not registered`,
      );
    const policies = (await this.repository.load(POLICY_REGISTER_STREAM, policyRegister)).state.policies;
    const policy = policyInForceOn(policies, businessDateOf(command.occurredAt));
    const cardState =
      command.cardUid === null
        ? null
        : cardAt((await this.repository.load(cardStream(command.cardUid), card)).state, command.occurredAt);

    const base = {
      terminalId: terminal.terminalId,
      cashierId,
      canteenId: terminal.canteenId,
      canteen: details,
      card: cardState,
      policy,
    };
    let sold: MealSoldData;
    let elderName: string | null = null;
    if (cardState === null || cardState.status === 'unknown') {
      sold = decideSale(command, { ...base, elder: null }).sold.data;
    } else {
      const elderId = cardState.elderId;
      // The elder's stream is the allowance's consistency boundary: two terminals tapping the same
      // card at once cannot both spend the last subsidised meal, the slower one decides again.
      sold = await retryOnConflict(async () => {
        const loaded = await this.repository.load(elderStream(elderId), elder);
        if (loaded.state.status !== 'registered')
          throw new Error(`card ${command.cardUid} names unknown elder ${elderId}`);
        elderName = loaded.state.profiles.at(-1)?.profile.name ?? null;
        if (loaded.state.decidedSaleIds.has(command.saleId)) {
          // Decided before, but the sale itself was not recorded (the service stopped in between).
          return this.decidedEarlier(elderId, command.saleId);
        }
        const decision = decideSale(command, { ...base, elder: loaded.state });
        await this.repository.append(
          elderStream(elderId),
          decision.allowance ? [decision.allowance] : [],
          loaded.expectedRevision,
          context,
          () => deterministicEventId(`allowance:${command.saleId}`),
        );
        return decision.sold.data;
      });
    }
    try {
      await this.repository.append(
        saleStream(command.saleId),
        [{ type: 'MealSold', data: sold }],
        'no-stream',
        context,
        () => deterministicEventId(`sold:${command.saleId}`),
      );
    } catch (error) {
      // The same sale id recorded at the same moment by a concurrent retry: answer from what is stored.
      if (!(error instanceof ConcurrencyError || error instanceof EventIdConflictError)) throw error;
      const stored = await this.repository.load(saleStream(command.saleId), sale);
      return { created: false, answer: this.answerFor(stored.state, command) };
    }
    return { created: true, answer: answerOf(sold, 'recorded', elderName) };
  }

  /** The sale exactly as it was decided: deciding again would count its own allowance against it. */
  private async decidedEarlier(elderId: string, saleId: string): Promise<MealSoldData> {
    const events = await this.repository.events<ElderEvent>(elderStream(elderId));
    for (const event of events) {
      if (event.type === 'MealSubsidyDecided' && event.data.saleId === saleId) return event.data.sale;
    }
    throw new Error(`elder ${elderId} has no decision for sale ${saleId}`);
  }

  /** Voids a sale; voiding it again answers the same. Terminals may only void their own canteen's sales. */
  async void(saleId: string, reason: string, byCanteen: string | null, context: EventContext, at: number) {
    const loaded = await this.repository.load(saleStream(saleId), sale);
    if (loaded.state.status !== 'none' && byCanteen !== null && loaded.state.sale.canteenId !== byCanteen) {
      throw new DomainError('not-allowed', 'forbidden', 'this sale belongs to another canteen');
    }
    const events = sale.decide({ saleId, reason, at }, loaded.state);
    await this.repository.append(saleStream(saleId), events, loaded.expectedRevision, context, () =>
      deterministicEventId(`voided:${saleId}`),
    );
    const sold = loaded.state.status === 'none' ? null : loaded.state.sale;
    const release = sold ? allowanceRelease(sold) : null;
    if (sold && release) {
      const elderId = release.data.elderId;
      await retryOnConflict(async () => {
        const allowance = await this.repository.load(elderStream(elderId), elder);
        const stillCounted =
          allowance.state.status === 'registered' &&
          allowance.state.meals.some((meal) => meal.saleId === saleId);
        if (!stillCounted) return;
        await this.repository.append(
          elderStream(elderId),
          [release],
          allowance.expectedRevision,
          context,
          () => deterministicEventId(`released:${saleId}`),
        );
      });
    }
    const after = await this.repository.load(saleStream(saleId), sale);
    if (after.state.status === 'none')
      throw new DomainError('not-found', 'not-found', `sale ${saleId} is not recorded`);
    return answerOf(after.state.sale, after.state.status === 'voided' ? 'voided' : 'recorded', null);
  }

  private answerFor(state: SaleState, command: SellMeal): SaleAnswer {
    if (state.status === 'none') throw new Error('no sale to answer for');
    if (state.sale.fingerprint !== command.fingerprint) {
      throw new DomainError(
        'conflict',
        'sale-conflict',
        `sale ${command.saleId} was recorded with another body`,
      );
    }
    return answerOf(state.sale, state.status === 'voided' ? 'voided' : 'recorded', null);
  }
}

function answerOf(sold: MealSoldData, status: SaleAnswer['status'], elderName: string | null): SaleAnswer {
  const firstReason = sold.reasons[0];
  return {
    saleId: sold.saleId,
    status,
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
  };
}
