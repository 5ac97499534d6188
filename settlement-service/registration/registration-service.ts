import { type CanteenDetails, canteen, canteenStream } from '../../domain/canteens/canteen.ts';
import { card, cardStream } from '../../domain/cards/card.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { type ElderProfile, elder, elderStream, requireRegistered } from '../../domain/elders/elder.ts';
import {
  isBornOnOrBefore,
  maskNationalId,
  type NationalIdProblem,
  parseNationalId,
} from '../../domain/identity/national-id.ts';
import { POLICY_REGISTER_STREAM, policyRegister } from '../../domain/policies/policy-register.ts';
import type { CategoryHolding } from '../../domain/policy/meal-facts.ts';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import {
  nextGeneration,
  rotatedGeneration,
  terminal,
  terminalStream,
} from '../../domain/terminals/terminal.ts';
import type { BusinessDate } from '../../domain/time/calendar.ts';
import { businessDateOf } from '../../domain/time/shanghai-time.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import type { ElderRepository } from '../event-sourcing/elder-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import type { PiiVault } from '../security/pii-vault.ts';
import { deriveTerminalToken, hashToken } from '../security/tokens.ts';

/** What a clerk is told in Chinese about an ID number refused, by what was found wrong first. */
const NATIONAL_ID_PROBLEM_ZH: Record<NationalIdProblem, string> = {
  length: '身份证号应为 18 位',
  characters: '身份证号应为 17 位数字加 1 位数字或 X',
  'birth-date': '身份证号中的出生日期不是有效日期',
  'check-digit': '身份证号最后一位校验码不符：有字符录入错误',
};

/** A unique index kept as a stream: which elder holds an ID number (by its keyed hash). */
const idNumberStream = (lookupHash: string) => `id-number-${lookupHash}`;

export interface ElderRegistration {
  readonly name: string;
  readonly idNumber: string;
  readonly district: string;
  readonly town: string;
  readonly homeCanteenId: string | null;
  readonly categories: readonly CategoryHolding[];
}

export interface RegistrationDependencies {
  readonly repository: AggregateRepository;
  /** Elders are loaded without their allowance: registering never needs their meals. */
  readonly elders: ElderRepository;
  readonly vault: PiiVault;
  readonly tokenSecret: Buffer;
  readonly now: () => number;
}

/** 登记: what the bureau registers; each call is safe to repeat. */
export class RegistrationService {
  constructor(private readonly deps: RegistrationDependencies) {}

  /** Answers whether the policy was newly stored (201) or was already there (200). */
  registerPolicy(policy: PolicyDocument, context: EventContext): Promise<{ created: boolean }> {
    return retryOnConflict(async () => {
      const { state, expectedRevision } = await this.deps.repository.load(
        POLICY_REGISTER_STREAM,
        policyRegister,
      );
      const events = policyRegister.decide({ policy }, state);
      await this.deps.repository.append(POLICY_REGISTER_STREAM, events, expectedRevision, context);
      return { created: events.length > 0 };
    });
  }

  registerCanteen(canteenId: string, details: CanteenDetails, from: number | null, context: EventContext) {
    return retryOnConflict(async () => {
      const stream = canteenStream(canteenId);
      const { state, expectedRevision } = await this.deps.repository.load(stream, canteen);
      const events = canteen.decide({ canteenId, details, effectiveFrom: from ?? this.deps.now() }, state);
      await this.deps.repository.append(stream, events, expectedRevision, context);
    });
  }

  /** The elder registered under an ID number, by its keyed hash; null when none is. */
  async idNumberHolder(lookupHash: string): Promise<string | null> {
    const claim = await this.deps.repository.load(idNumberStream(lookupHash), idNumberClaim);
    return claim.state.elderId;
  }

  async registerElder(
    elderId: string,
    registration: ElderRegistration,
    from: number | null,
    context: EventContext,
  ) {
    const parsed = parseNationalId(registration.idNumber);
    if (!parsed.ok) {
      const zh = NATIONAL_ID_PROBLEM_ZH[parsed.reason];
      throw new DomainError('invalid', 'invalid-id-number', { en: parsed.message, zh }, 'idNumber');
    }
    if (!isBornOnOrBefore(parsed.value.birthDate, businessDateOf(this.deps.now()))) {
      throw new DomainError(
        'invalid',
        'invalid-id-number',
        { en: 'the birth date in the ID number lies in the future', zh: '身份证号中的出生日期晚于今天' },
        'idNumber',
      );
    }
    if (registration.homeCanteenId !== null) {
      const home = await this.deps.repository.load(canteenStream(registration.homeCanteenId), canteen);
      if (home.state.status !== 'registered') {
        throw new DomainError(
          'not-allowed',
          'canteen-unknown',
          {
            en: `canteen ${registration.homeCanteenId} is not registered`,
            zh: `签约食堂 ${registration.homeCanteenId} 未登记`,
          },
          'homeCanteenId',
        );
      }
    }
    const lookupHash = this.deps.vault.lookupHash(parsed.value.normalized);
    const profile: ElderProfile = {
      name: registration.name,
      birthDate: parsed.value.birthDate,
      idNumber: {
        sealed: this.deps.vault.seal(parsed.value.normalized),
        lookupHash,
        masked: maskNationalId(parsed.value.normalized),
      },
      district: registration.district,
      town: registration.town,
      homeCanteenId: registration.homeCanteenId,
      categories: registration.categories,
    };
    await retryOnConflict(async () => {
      // Claim the ID number first: a second elder with the same number is refused.
      const claim = await this.deps.repository.load(idNumberStream(lookupHash), idNumberClaim);
      const holder = claim.state.elderId;
      const stream = elderStream(elderId);
      const { state, expectedRevision } = await this.deps.elders.load(elderId, []);
      const events = elder.decide(
        {
          type: 'RegisterElder',
          elderId,
          profile,
          effectiveFrom: from ?? this.deps.now(),
          sameIdNumberElderId: holder,
        },
        state,
      );
      if (holder === null) {
        await this.deps.repository.append(
          idNumberStream(lookupHash),
          [{ type: 'IdNumberClaimed', data: { elderId } }],
          claim.expectedRevision,
          context,
        );
      }
      await this.deps.repository.append(stream, events, expectedRevision, context);
    });
  }

  /**
   * Changes an elder's categories alone, from `from` (default now), keeping the rest of the record as
   * registered: no name or ID number needed. Answers false when the elder held these already.
   */
  changeCategories(
    elderId: string,
    categories: readonly CategoryHolding[],
    from: number | null,
    context: EventContext,
  ): Promise<{ changed: boolean }> {
    return retryOnConflict(async () => {
      const { state, expectedRevision } = await this.deps.elders.load(elderId, []);
      const events = elder.decide(
        { type: 'ChangeCategories', categories, effectiveFrom: from ?? this.deps.now() },
        state,
      );
      await this.deps.repository.append(elderStream(elderId), events, expectedRevision, context);
      return { changed: events.length > 0 };
    });
  }

  /** Binds a card; the elder's previous card stops working at once. Answers false when already bound. */
  bindCard(
    elderId: string,
    cardUid: string,
    from: number | null,
    context: EventContext,
  ): Promise<{ bound: boolean }> {
    return retryOnConflict(async () => {
      const at = from ?? this.deps.now();
      const stream = elderStream(elderId);
      const { state, expectedRevision } = await this.deps.elders.load(elderId, []);
      const events = elder.decide({ type: 'BindCard', cardUid, at }, state);
      const bound = events[0];
      if (bound?.type !== 'CardBound') return { bound: false };
      // The card's own stream keeps it with one elder at a time; then the old card is retired.
      const newCard = await this.deps.repository.load(cardStream(cardUid), card);
      const assign = card.decide(
        { type: 'AssignCard', cardUid, elderId, effectiveFrom: bound.data.effectiveFrom },
        newCard.state,
      );
      await this.deps.repository.append(cardStream(cardUid), assign, newCard.expectedRevision, context);
      const previous = bound.data.previousCardUid;
      if (previous !== null) {
        const old = await this.deps.repository.load(cardStream(previous), card);
        const retire = card.decide(
          { type: 'RetireCard', cardUid: previous, elderId, effectiveFrom: at },
          old.state,
        );
        await this.deps.repository.append(cardStream(previous), retire, old.expectedRevision, context);
      }
      await this.deps.repository.append(stream, events, expectedRevision, context);
      return { bound: true };
    });
  }

  recordDeath(elderId: string, date: BusinessDate, context: EventContext) {
    return retryOnConflict(async () => {
      const stream = elderStream(elderId);
      const { state, expectedRevision } = await this.deps.elders.load(elderId, []);
      requireRegistered(state);
      await this.deps.repository.append(
        stream,
        elder.decide({ type: 'RecordDeath', date, today: businessDateOf(this.deps.now()) }, state),
        expectedRevision,
        context,
      );
    });
  }

  /** Registers a terminal and answers its token; the same registration again answers the same token. */
  registerTerminal(terminalId: string, canteenId: string, context: EventContext): Promise<{ token: string }> {
    return retryOnConflict(async () => {
      const stream = terminalStream(terminalId);
      const { state, expectedRevision } = await this.deps.repository.load(stream, terminal);
      const canteenState = await this.deps.repository.load(canteenStream(canteenId), canteen);
      const generation = nextGeneration(state, canteenId);
      const token = terminalToken(this.deps.tokenSecret, terminalId, canteenId, generation);
      const events = terminal.decide(
        {
          type: 'RegisterTerminal',
          terminalId,
          canteenId,
          canteenRegistered: canteenState.state.status === 'registered',
          tokenHash: hashToken(token),
        },
        state,
      );
      await this.deps.repository.append(stream, events, expectedRevision, context);
      return { token };
    });
  }

  /**
   * Issues a terminal a new token for its canteen (the next generation) and answers it: the old token
   * is refused from now on. Registering the terminal again for its canteen answers the new token.
   */
  rotateTerminalToken(
    terminalId: string,
    context: EventContext,
  ): Promise<{ canteenId: string; token: string }> {
    return retryOnConflict(async () => {
      const stream = terminalStream(terminalId);
      const { state, expectedRevision } = await this.deps.repository.load(stream, terminal);
      if (state.status !== 'registered') {
        throw new DomainError('not-found', 'not-found', {
          en: `terminal ${terminalId} is not registered`,
          zh: `终端 ${terminalId} 未登记`,
        });
      }
      const generation = rotatedGeneration(state);
      const token = terminalToken(this.deps.tokenSecret, terminalId, state.canteenId, generation);
      const events = terminal.decide(
        { type: 'RotateTerminalToken', terminalId, tokenHash: hashToken(token) },
        state,
      );
      await this.deps.repository.append(stream, events, expectedRevision, context);
      return { canteenId: state.canteenId, token };
    });
  }
}

/** A terminal's bearer token names its terminal after the secret part: `zt_<hmac>.<terminalId>`. */
export function terminalToken(
  secret: Buffer,
  terminalId: string,
  canteenId: string,
  generation: number,
): string {
  return `${deriveTerminalToken(secret, terminalId, canteenId, generation)}.${terminalId}`;
}

type IdNumberEvent = { readonly type: 'IdNumberClaimed'; readonly data: { readonly elderId: string } };
const idNumberClaim = {
  initialState: { elderId: null as string | null },
  evolve: (_state: { elderId: string | null }, event: IdNumberEvent) => ({ elderId: event.data.elderId }),
};
