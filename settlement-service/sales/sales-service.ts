import { canteen, canteenDetailsAt, canteenStream } from '../../domain/canteens/canteen.ts';
import { card, cardAt, cardStream } from '../../domain/cards/card.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { capMonthsOf, decidedMealOf } from '../../domain/elders/allowance.ts';
import { elder, elderStream, type RegisteredElder, requireRegistered } from '../../domain/elders/elder.ts';
import { POLICY_REGISTER_STREAM, policyRegister } from '../../domain/policies/policy-register.ts';
import { policyInForceOn } from '../../domain/policy/policy-validity.ts';
import {
  decideSale,
  type SaleContext,
  type SellMeal,
  sale,
  saleStream,
  type VoidSale,
} from '../../domain/sales/sale.ts';
import type { SaleAnswer } from '../../domain/sales/sale-answer.ts';
import type { MealSoldData, SaleState, SoldItem } from '../../domain/sales/sale-events.ts';
import { type BusinessDate, monthKeyOf } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import { ConcurrencyError, EventIdConflictError } from '../../event-store/errors.ts';
import type {
  AggregateRepository,
  DomainEvent,
  EventContext,
} from '../event-sourcing/aggregate-repository.ts';
import { deterministicEventId } from '../event-sourcing/deterministic-id.ts';
import type { ElderRepository } from '../event-sourcing/elder-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import { answerOf } from './sale-answer.ts';

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  const queue = items.values();
  const worker = async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface TerminalIdentity {
  readonly terminalId: string;
  readonly canteenId: string;
}

export interface SaleToRecord {
  readonly command: SellMeal;
  readonly cashierId: string | null;
  readonly context: EventContext;
}

/** A sale's answer, or why it was refused (what `sell` would have thrown). */
export type SaleOutcome =
  | { readonly created: boolean; readonly answer: SaleAnswer }
  | { readonly refused: unknown };

/** How many elders' sales of one request are decided at the same time. */
const ELDERS_AT_ONCE = 8;

type DecisionBase = Omit<SaleContext, 'elder'>;

interface Prepared {
  readonly index: number;
  readonly entry: SaleToRecord;
  readonly base: DecisionBase;
}

interface Decided extends Prepared {
  readonly sold: MealSoldData;
  readonly elderName: string | null;
  /** The elder whose allowance this request spent on the sale, if any. */
  readonly spentAllowanceOf: string | null;
}

/** 售餐: records sales exactly once and decides their subsidy under the elder's allowance. */
export class SalesService {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly elders: ElderRepository,
  ) {}

  async sell(command: SellMeal, terminal: TerminalIdentity, cashierId: string | null, context: EventContext) {
    const [outcome] = await this.sellInOrder([{ command, cashierId, context }], terminal);
    if (!outcome || 'refused' in outcome) throw outcome?.refused;
    return outcome;
  }

  /**
   * Sales in the order given (a terminal's queue), each answered as `sell` answers it. Each elder's
   * sales are decided one after the other in that order, so caps count them in arrival order, and
   * are recorded in one append to the elder's stream; different elders' sales are decided side by side.
   */
  async sellInOrder(sales: readonly SaleToRecord[], terminal: TerminalIdentity): Promise<SaleOutcome[]> {
    const outcomes: SaleOutcome[] = new Array(sales.length);
    // A sale id sent twice is answered the second time from what the first recorded.
    const seen = new Set<string>();
    const first: number[] = [];
    const repeated: number[] = [];
    sales.forEach((entry, index) => {
      (seen.has(entry.command.saleId) ? repeated : first).push(index);
      seen.add(entry.command.saleId);
    });
    const refuse = (index: number, error: unknown) => {
      outcomes[index] = { refused: error };
    };

    // A repeated sale is answered from what is stored, before anything else is touched: a repeat
    // with another card must not spend that card's elder's allowance.
    const byElder = new Map<string, Prepared[]>();
    const guests: Prepared[] = [];
    await Promise.all(
      first.map(async (index) => {
        const entry = sales[index] as SaleToRecord;
        try {
          const [existing, base] = await Promise.all([
            this.repository.load(saleStream(entry.command.saleId), sale),
            this.decisionBase(entry.command, terminal, entry.cashierId),
          ]);
          if (existing.state.status !== 'none') {
            outcomes[index] = { created: false, answer: await this.answerFor(existing.state, entry.command) };
            return;
          }
          const prepared = { index, entry, base };
          const card = base.card;
          if (card === null || card.status === 'unknown') guests.push(prepared);
          else if (byElder.has(card.elderId)) byElder.get(card.elderId)?.push(prepared);
          else byElder.set(card.elderId, [prepared]);
        } catch (error) {
          refuse(index, error);
        }
      }),
    );
    for (const list of byElder.values()) list.sort((a, b) => a.index - b.index);

    // Each elder's sales are recorded as soon as they are decided, in the order sent.
    const record = (decided: readonly Decided[]) =>
      Promise.all(
        decided.map((each) =>
          this.record(each).then(
            (outcome) => {
              outcomes[each.index] = outcome;
            },
            (error: unknown) => refuse(each.index, error),
          ),
        ),
      );
    const guestSales: Decided[] = [];
    for (const guest of guests) {
      try {
        const sold = decideSale(guest.entry.command, { ...guest.base, elder: null }).sold.data;
        guestSales.push({ ...guest, sold, elderName: null, spentAllowanceOf: null });
      } catch (error) {
        refuse(guest.index, error);
      }
    }
    await Promise.all([
      record(guestSales),
      inParallel([...byElder], ELDERS_AT_ONCE, async ([elderId, list]) => {
        let decided: Decided[];
        try {
          decided = await this.decideForElder(elderId, list, refuse);
        } catch (error) {
          for (const prepared of list) refuse(prepared.index, error);
          return;
        }
        await record(decided.sort((a, b) => a.index - b.index));
      }),
    ]);
    if (repeated.length > 0) {
      const again = await this.sellInOrder(
        repeated.map((index) => sales[index] as SaleToRecord),
        terminal,
      );
      repeated.forEach((index, at) => {
        outcomes[index] = again[at] as SaleOutcome;
      });
    }
    return outcomes;
  }

  /**
   * Decides an elder's sales together; when another request recorded some of their decisions
   * meanwhile (a batch sent again while the first was still running), one by one, so that each finds
   * its own decision, or alone is refused: its id was decided with another body.
   */
  private async decideForElder(
    elderId: string,
    list: readonly Prepared[],
    refuse: (index: number, error: unknown) => void,
  ): Promise<Decided[]> {
    try {
      return await this.decideTogether(elderId, list, refuse);
    } catch (error) {
      if (!(error instanceof EventIdConflictError)) throw error;
    }
    const decided: Decided[] = [];
    for (const prepared of list) {
      try {
        decided.push(...(await this.decideTogether(elderId, [prepared], refuse)));
      } catch (error) {
        if (!(error instanceof EventIdConflictError)) throw error;
        const { saleId } = prepared.entry.command;
        refuse(
          prepared.index,
          new DomainError('conflict', 'sale-conflict', {
            en: `sale ${saleId} was recorded with another body`,
            zh: `销售 ${saleId} 已按另一份内容记录，同一编号不能用于不同的销售`,
          }),
        );
      }
    }
    return decided;
  }

  /**
   * Decides an elder's sales in order on one load of the elder and records the decisions in one
   * append. The elder's stream is the allowance's consistency boundary: two terminals tapping the
   * same card at once cannot both spend the last subsidised meal, the slower one decides again.
   */
  private decideTogether(
    elderId: string,
    list: readonly Prepared[],
    refuse: (index: number, error: unknown) => void,
  ): Promise<Decided[]> {
    const dates = list.map((prepared) => businessDateOf(prepared.entry.command.occurredAt));
    const months = [...new Set(dates.flatMap(capMonthsOf))];
    return retryOnConflict(async () => {
      const loaded = await this.elders.load(elderId, months);
      if (loaded.state.status !== 'registered') throw new Error(`a card names unknown elder ${elderId}`);
      let state = loaded.state;
      const elderName = nameOf(state);
      const decisions: Decided[] = [];
      const appended: { event: DomainEvent; prepared: Prepared }[] = [];
      for (const [at, prepared] of list.entries()) {
        const { command } = prepared.entry;
        const earlier = decidedMealOf(state.allowance, dates[at] as BusinessDate, command.saleId);
        if (earlier) {
          // Decided before, but the sale itself was not recorded (the service stopped in between).
          const sold = await this.elders.decidedSale(elderId, command.saleId, earlier.revision);
          decisions.push({ ...prepared, sold, elderName, spentAllowanceOf: null });
          continue;
        }
        try {
          const decision = decideSale(command, { ...prepared.base, elder: state });
          if (decision.allowance) {
            appended.push({ event: decision.allowance, prepared });
            state = requireRegistered(elder.evolve(state, decision.allowance));
          }
          decisions.push({ ...prepared, sold: decision.sold.data, elderName, spentAllowanceOf: elderId });
        } catch (error) {
          refuse(prepared.index, error);
        }
      }
      await this.repository.append(
        elderStream(elderId),
        appended.map(({ event }) => event),
        loaded.expectedRevision,
        (index) => (appended[index] as (typeof appended)[number]).prepared.entry.context,
        (_event, index) =>
          deterministicEventId(
            `allowance:${elderId}:${(appended[index] as (typeof appended)[number]).prepared.entry.command.saleId}`,
          ),
      );
      return decisions;
    });
  }

  /** Records a decided sale exactly once; a sale recorded meanwhile is answered as stored. */
  private async record({ entry, sold, elderName, spentAllowanceOf }: Decided): Promise<SaleOutcome> {
    const { command, context } = entry;
    if (sold.fingerprint !== command.fingerprint) {
      throw new DomainError('conflict', 'sale-conflict', {
        en: `sale ${command.saleId} was recorded with another body`,
        zh: `销售 ${command.saleId} 已按另一份内容记录，同一编号不能用于不同的销售`,
      });
    }
    let written = false;
    try {
      const result = await this.repository.append(
        saleStream(command.saleId),
        [{ type: 'MealSold', data: sold }],
        'no-stream',
        context,
        () => deterministicEventId(`sold:${command.saleId}`),
      );
      written = result?.written ?? false;
    } catch (error) {
      // Recorded before with other content, or at the same moment by a concurrent retry.
      if (!(error instanceof ConcurrencyError || error instanceof EventIdConflictError)) throw error;
    }
    if (!written) {
      const stored = await this.repository.load(saleStream(command.saleId), sale);
      const sameSale =
        stored.state.status !== 'none' && stored.state.sale.fingerprint === command.fingerprint;
      // A concurrent request recorded this sale id with another body: give back what we spent.
      if (!sameSale && spentAllowanceOf !== null)
        await this.release(spentAllowanceOf, command.saleId, sold.businessDate, context);
      return { created: false, answer: await this.answerFor(stored.state, command) };
    }
    return { created: true, answer: answerOf(sold, 'recorded', elderName) };
  }

  /**
   * What the sale would get if it were recorded now: the counter shows it when the card is tapped,
   * before the cashier confirms. Nothing is written; the recorded sale is decided again on arrival.
   */
  async quote(
    command: SellMeal,
    terminal: TerminalIdentity,
  ): Promise<SaleAnswer & { items: readonly SoldItem[] }> {
    const base = await this.decisionBase(command, terminal, null);
    const holder =
      base.card === null || base.card.status === 'unknown'
        ? null
        : (await this.elders.load(base.card.elderId, capMonthsOf(businessDateOf(command.occurredAt)))).state;
    const registered = holder?.status === 'registered' ? holder : null;
    const { sold } = decideSale(command, { ...base, elder: registered });
    return { ...answerOf(sold.data, 'quoted', registered && nameOf(registered)), items: sold.data.items };
  }

  /** Everything a decision needs that does not depend on the card's elder, loaded at once. */
  private async decisionBase(
    command: SellMeal,
    terminal: TerminalIdentity,
    cashierId: string | null,
  ): Promise<DecisionBase> {
    const [canteenState, policies, cardHistory] = await Promise.all([
      this.repository.load(canteenStream(terminal.canteenId), canteen),
      this.repository.load(POLICY_REGISTER_STREAM, policyRegister),
      command.cardUid === null ? null : this.repository.load(cardStream(command.cardUid), card),
    ]);
    const details = canteenDetailsAt(canteenState.state, command.occurredAt);
    if (!details) {
      throw new DomainError('not-allowed', 'canteen-unknown', {
        en: `canteen ${terminal.canteenId} is not registered`,
        zh: `食堂 ${terminal.canteenId} 未登记`,
      });
    }
    return {
      terminalId: terminal.terminalId,
      cashierId,
      canteenId: terminal.canteenId,
      canteen: details,
      card: cardHistory === null ? null : cardAt(cardHistory.state, command.occurredAt),
      policy: policyInForceOn(policies.state.policies, businessDateOf(command.occurredAt)),
    };
  }

  /** Voids a sale; voiding it again answers the same. Terminals may only void their own canteen's sales. */
  async void(command: VoidSale, byCanteen: string | null, context: EventContext) {
    const { saleId } = command;
    const loaded = await this.repository.load(saleStream(saleId), sale);
    if (loaded.state.status !== 'none' && byCanteen !== null && loaded.state.sale.canteenId !== byCanteen) {
      throw new DomainError('not-allowed', 'forbidden', {
        en: 'this sale belongs to another canteen',
        zh: '这笔销售属于其他食堂',
      });
    }
    const events = sale.decide(command, loaded.state);
    try {
      await this.repository.append(saleStream(saleId), events, loaded.expectedRevision, context, () =>
        deterministicEventId(`voided:${saleId}`),
      );
    } catch (error) {
      // Voided at the same moment by another request (a terminal's retry): that void stands.
      if (!(error instanceof ConcurrencyError || error instanceof EventIdConflictError)) throw error;
    }
    const sold = loaded.state.status === 'none' ? null : loaded.state.sale;
    if (sold?.elderId) await this.release(sold.elderId, saleId, sold.businessDate, context);
    const after = await this.repository.load(saleStream(saleId), sale);
    if (after.state.status === 'none')
      throw new DomainError('not-found', 'not-found', {
        en: `sale ${saleId} is not recorded`,
        zh: `没有记录销售 ${saleId}`,
      });
    const status = after.state.status === 'voided' ? 'voided' : 'recorded';
    return answerOf(after.state.sale, status, await this.elderName(after.state.sale.elderId));
  }

  /** Stops a sale counting against its elder's caps (once, whatever the retries). */
  private release(
    elderId: string,
    saleId: string,
    businessDate: BusinessDate,
    context: EventContext,
  ): Promise<void> {
    return retryOnConflict(async () => {
      const allowance = await this.elders.load(elderId, [monthKeyOf(businessDate)]);
      const meal =
        allowance.state.status === 'registered'
          ? decidedMealOf(allowance.state.allowance, businessDate, saleId)
          : undefined;
      if (!meal || meal.voided) return;
      await this.repository.append(
        elderStream(elderId),
        [{ type: 'MealSubsidyVoided', data: { elderId, saleId, businessDate } }],
        allowance.expectedRevision,
        context,
        () => deterministicEventId(`released:${elderId}:${saleId}`),
      );
    });
  }

  /** The first answer again, for a repeated request (a sale already recorded). */
  private async answerFor(state: SaleState, command: SellMeal): Promise<SaleAnswer> {
    if (state.status === 'none') throw new Error('no sale to answer for');
    if (state.sale.fingerprint !== command.fingerprint) {
      throw new DomainError('conflict', 'sale-conflict', {
        en: `sale ${command.saleId} was recorded with another body`,
        zh: `销售 ${command.saleId} 已按另一份内容记录，同一编号不能用于不同的销售`,
      });
    }
    const status = state.status === 'voided' ? 'voided' : 'recorded';
    return answerOf(state.sale, status, await this.elderName(state.sale.elderId));
  }

  private async elderName(elderId: string | null): Promise<string | null> {
    if (elderId === null) return null;
    const { state } = await this.elders.load(elderId, []);
    return state.status === 'registered' ? nameOf(state) : null;
  }
}

function nameOf(state: RegisteredElder): string | null {
  return state.profiles.at(-1)?.profile.name ?? null;
}
