import { type Kysely, sql } from 'kysely';
import { fen } from '../../domain/money.ts';
import type { CanteenFacts, ElderFacts } from '../../domain/policy/meal-facts.ts';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import {
  PolicySimulation,
  type SimulatedChange,
  type SimulationResult,
} from '../../domain/simulation/policy-simulation.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import type { EventStore, Position } from '../../event-store/port.ts';
import { catchUpTo } from '../runner/projection-runner.ts';
import { settlementIndexProjection } from '../settlement/settlement-index.projection.ts';
import { elderFactsAt, policiesAt } from '../settlement/settlement-index-queries.ts';
import { decisionInputsProjection } from './decision-inputs.projection.ts';
import { changesWithInputs, decisionFactsOf } from './decision-inputs-queries.ts';

export interface SimulationProgress {
  readonly changesRead: number;
  readonly changesTotal: number;
}

export interface SimulateOptions {
  /** How long to wait for the store's settled head, and for the read models to reach it. */
  readonly timeoutMs: number;
  readonly onProgress?: (progress: SimulationProgress) => void;
}

/**
 * 政策测算 of one business month at the store's settled head (`EventStore.settledHead`): the month's
 * sales, voids and confirmed alerts from the settlement index, each sale with what it was decided
 * from (the decision inputs), folded by `PolicySimulation`. What is read follows the month, not the
 * store's length; nothing is written.
 */
export async function simulateMonth(
  store: EventStore,
  db: Kysely<unknown>,
  month: MonthKey,
  proposal: PolicyDocument,
  options: SimulateOptions,
): Promise<SimulationResult> {
  const [result] = await simulateProposals(store, db, month, [proposal], options);
  return result as SimulationResult;
}

/** Several proposals over the same month, read once: one result per proposal, in order. */
export async function simulateProposals(
  store: EventStore,
  db: Kysely<unknown>,
  month: MonthKey,
  proposals: readonly PolicyDocument[],
  options: SimulateOptions,
): Promise<SimulationResult[]> {
  // Every sale answered before the simulation was asked for is in it (a transaction left open hides
  // later events from the plain head).
  const head = await store.settledHead({ timeoutMs: options.timeoutMs });
  for (const projection of [settlementIndexProjection, decisionInputsProjection])
    await catchUpTo(store, db, projection, head, { timeoutMs: options.timeoutMs });
  const changesTotal = await countChanges(db, month, head);
  const simulation = new PolicySimulation(month, proposals);
  const facts = new Map<string, unknown>();
  const served = new Set<string>();
  let changesRead = 0;
  let last: string | null = null;
  for await (const page of changesWithInputs(db, month, head)) {
    const unknown = new Set<string>();
    for (const { inputs } of page)
      if (inputs !== null)
        for (const hash of [inputs.canteenFacts, inputs.elderFacts])
          if (hash !== null && !facts.has(hash)) unknown.add(hash);
    for (const [hash, value] of await decisionFactsOf(db, [...unknown])) facts.set(hash, value);
    for (const { position, change, inputs } of page) {
      changesRead += 1;
      // A confirmation of sales of several canteens is indexed once per canteen: taken once.
      if (position === last) continue;
      last = position;
      if (change.kind !== 'sold') {
        simulation.take(change);
        continue;
      }
      if (inputs === null) throw new Error(`sale ${change.sale.saleId} has no decision inputs indexed`);
      if (change.sale.elderId !== null) served.add(change.sale.elderId);
      const taken: SimulatedChange = {
        kind: 'sold',
        sale: change.sale,
        event: change.event,
        inputs: {
          meal: {
            occurredAt: inputs.occurredAt,
            channel: inputs.channel,
            priceFen: fen(inputs.priceFen),
            canteen: facts.get(inputs.canteenFacts) as CanteenFacts,
          },
          elder: inputs.elderFacts === null ? null : (facts.get(inputs.elderFacts) as ElderFacts),
        },
      };
      simulation.take(taken);
    }
    options.onProgress?.({ changesRead, changesTotal });
  }
  const policies = await policiesAt(db, head);
  const elders = await elderFactsAt(db, [...served], head);
  return simulation.results(policies, elders);
}

async function countChanges(db: Kysely<unknown>, month: MonthKey, upTo: Position): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT count(*) AS count FROM read_models.settlement_changes
     WHERE month = ${month}
       AND (commit_position, prepare_position)
           <= (${upTo.commit.toString()}::bigint, ${upTo.prepare.toString()}::bigint)`.execute(db);
  return Number(rows[0]?.count ?? 0);
}
