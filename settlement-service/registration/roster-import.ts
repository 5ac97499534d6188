import { canteen, canteenStream } from '../../domain/canteens/canteen.ts';
import { card, cardStream } from '../../domain/cards/card.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { type ElderProfile, type ElderState, elder } from '../../domain/elders/elder.ts';
import {
  type CheckedRosterRow,
  canteenUnknownReason,
  cardTakenReason,
  checkRoster,
  type RosterEntry,
  type RosterReason,
  type RosterRow,
} from '../../domain/elders/roster.ts';
import { maskNationalId } from '../../domain/identity/national-id.ts';
import { problemTitles } from '../../domain/problems/problem-catalogue.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import type { ElderRepository } from '../event-sourcing/elder-repository.ts';
import type { PiiVault } from '../security/pii-vault.ts';
import type { RegistrationService } from './registration-service.ts';

export type RosterOutcome = 'created' | 'updated' | 'unchanged' | 'refused';

export interface RosterReportRow {
  readonly row: number;
  readonly idNumberMasked: string;
  readonly elderId: string | null;
  readonly outcome: RosterOutcome;
  readonly reasons: RosterReason[];
}

export interface RosterReport {
  readonly dryRun: boolean;
  readonly summary: Record<RosterOutcome, number>;
  readonly rows: RosterReportRow[];
}

export interface RosterImportDependencies {
  readonly registration: RegistrationService;
  readonly repository: AggregateRepository;
  readonly elders: ElderRepository;
  readonly vault: PiiVault;
  readonly now: () => number;
}

/** Rows looked up and written side by side: appends running together share one commit. */
const CONCURRENCY = 32;

/**
 * The elder id a roster gives an elder not registered yet: from the keyed hash of the ID number, so
 * that the same file imported again (or a run cut short and started again) finds the same elder,
 * and the id says nothing about the number.
 */
export function rosterElderId(lookupHash: string): string {
  return `e-${lookupHash.slice(0, 20)}`;
}

interface Planned {
  readonly checked: CheckedRosterRow;
  readonly entry: RosterEntry | null;
  readonly elderId: string | null;
  readonly outcome: RosterOutcome;
  readonly reasons: readonly RosterReason[];
}

/**
 * 花名册导入: registers a district's elders and their cards from a roster. Every row is checked first,
 * against the file and against what is registered (canteens, cards, elders by ID number), before
 * anything is written; then the rows that pass are registered through the registration service,
 * each as it would be by `PUT /api/v1/elders/{id}` and `POST …/cards`.
 *
 * Each row's writes can be repeated: the ID number is claimed for the elder, the elder registered,
 * the card assigned, then bound, each skipped when already there. A run cut short (a crash, the
 * database gone) leaves the rows before it registered and at most a few rows part-way (an elder
 * without the card the row gives); importing the same file again finishes them (`updated`) and
 * answers the rest `unchanged`.
 */
export class RosterImport {
  constructor(private readonly deps: RosterImportDependencies) {}

  async run(rows: readonly RosterRow[], dryRun: boolean, context: EventContext): Promise<RosterReport> {
    const checked = checkRoster(rows, businessDateOf(this.deps.now()));
    const plans = await inPool(checked, (row) => this.plan(row));
    const reported = dryRun
      ? plans
      : await inPool(plans, async (plan) => (await this.write(plan, context)) ?? plan);
    const summary = { created: 0, updated: 0, unchanged: 0, refused: 0 };
    for (const plan of reported) summary[plan.outcome] += 1;
    return {
      dryRun,
      summary,
      rows: reported.map((plan) => ({
        row: plan.checked.row,
        idNumberMasked: plan.checked.idNumberMasked,
        elderId: plan.elderId,
        outcome: plan.outcome,
        reasons: [...plan.reasons],
      })),
    };
  }

  /** What the row would change, from what is registered now; nothing is written. */
  private async plan(checked: CheckedRosterRow): Promise<Planned> {
    const { entry } = checked;
    if (!entry) return { checked, entry, elderId: null, outcome: 'refused', reasons: checked.reasons };
    const lookupHash = this.deps.vault.lookupHash(entry.idNumber);
    const elderId = (await this.deps.registration.idNumberHolder(lookupHash)) ?? rosterElderId(lookupHash);
    const [loaded, cardHolder, canteenKnown] = await Promise.all([
      this.deps.elders.load(elderId, []),
      entry.cardUid === null ? null : this.cardHolder(entry.cardUid),
      entry.homeCanteenId === null ? true : this.canteenRegistered(entry.homeCanteenId),
    ]);
    const reasons: RosterReason[] = [];
    if (!canteenKnown && entry.homeCanteenId !== null)
      reasons.push(canteenUnknownReason(entry.homeCanteenId));
    if (entry.cardUid !== null && cardHolder !== null && cardHolder !== elderId)
      reasons.push(cardTakenReason(entry.cardUid));
    if (reasons.length > 0) return { checked, entry: null, elderId, outcome: 'refused', reasons };
    return { checked, entry, elderId, outcome: outcomeOf(loaded.state, elderId, entry, lookupHash), reasons };
  }

  /** Registers the row; answers the row refused when a refusal comes only now (a card taken meanwhile). */
  private async write(plan: Planned, context: EventContext): Promise<Planned | null> {
    const { entry, elderId } = plan;
    if (!entry || elderId === null || plan.outcome === 'unchanged') return null;
    try {
      await this.deps.registration.registerElder(
        elderId,
        {
          name: entry.name,
          idNumber: entry.idNumber,
          district: entry.district,
          town: entry.town,
          homeCanteenId: entry.homeCanteenId,
          categories: entry.categories,
        },
        null,
        context,
      );
      if (entry.cardUid !== null)
        await this.deps.registration.bindCard(elderId, entry.cardUid, null, context);
      return null;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const { zh, en } = problemTitles(error.code);
      return {
        ...plan,
        outcome: 'refused',
        reasons: [
          error.code === 'card-taken' && entry.cardUid !== null
            ? cardTakenReason(entry.cardUid)
            : { code: error.code, zh, en: `${en}: ${error.message}` },
        ],
      };
    }
  }

  private async cardHolder(cardUid: string): Promise<string | null> {
    const { state } = await this.deps.repository.load(cardStream(cardUid), card);
    return state.holdings.find((holding) => holding.to === null)?.elderId ?? null;
  }

  private async canteenRegistered(canteenId: string): Promise<boolean> {
    const { state } = await this.deps.repository.load(canteenStream(canteenId), canteen);
    return state.status === 'registered';
  }
}

/** `created`, `updated` or `unchanged`: what registering the entry and binding its card would record. */
function outcomeOf(
  state: ElderState,
  elderId: string,
  entry: RosterEntry,
  lookupHash: string,
): RosterOutcome {
  if (state.status !== 'registered') return 'created';
  const birthDate = `${entry.idNumber.slice(6, 10)}-${entry.idNumber.slice(10, 12)}-${entry.idNumber.slice(12, 14)}`;
  // Compared without the sealed number, which is sealed afresh on every registration.
  const profile: ElderProfile = {
    name: entry.name,
    birthDate,
    idNumber: { sealed: '', lookupHash, masked: maskNationalId(entry.idNumber) },
    district: entry.district,
    town: entry.town,
    homeCanteenId: entry.homeCanteenId,
    categories: entry.categories,
  };
  const profileChanges = elder.decide(
    { type: 'RegisterElder', elderId, profile, effectiveFrom: 0, sameIdNumberElderId: elderId },
    state,
  );
  const cardChanges = entry.cardUid !== null && state.cardUid !== entry.cardUid;
  return profileChanges.length > 0 || cardChanges ? 'updated' : 'unchanged';
}

/** Maps every item with at most {@link CONCURRENCY} at a time, answers in the items' order. */
async function inPool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}
