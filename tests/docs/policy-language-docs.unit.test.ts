import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CanteenDetails } from '../../domain/canteens/canteen.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { elder as elderDecider, type RegisteredElder } from '../../domain/elders/elder.ts';
import { fen } from '../../domain/money.ts';
import { type PolicyRegisterState, policyRegister } from '../../domain/policies/policy-register.ts';
import { canteenPeriodProblems } from '../../domain/policy/meal-periods.ts';
import { parsePolicyDocument, policyDocumentSchema } from '../../domain/policy/policy-document.ts';
import type { PolicyDocument } from '../../domain/policy/policy-types.ts';
import { policyInForceOn } from '../../domain/policy/policy-validity.ts';
import { PROBLEM_CATALOGUE, type ProblemCode } from '../../domain/problems/problem-catalogue.ts';
import { decideSale } from '../../domain/sales/sale.ts';
import type { MealSoldData } from '../../domain/sales/sale-events.ts';
import { canteenMonth } from '../../domain/settlement/canteen-month.ts';
import { ElderDays } from '../../domain/settlement/operating-facts.ts';
import { settledSaleOf } from '../../domain/settlement/settlement-change.ts';
import type { SaleRecord, SettlementFacts } from '../../domain/settlement/settlement-types.ts';
import { monthKeyOf } from '../../domain/time/calendar.ts';
import { businessDateOf, instantFromIso } from '../../domain/time/shanghai-time.ts';
import { invalidInputProblem } from '../../settlement-service/http/field-errors.ts';
import { BEIJING_LIKE, TIANJIN_LIKE, ZENGCHENG_LIKE } from '../support/example-policies.ts';

/*
 * The policy-language reference (docs/policy-language.md and its English twin) carries worked
 * examples as fenced blocks: ```json KIND name=NAME. Each one is read here and run through the
 * product's own code — the policy parser, the sale decision, the elder's allowance, the policy
 * register and the canteen month of settlement — and its `expect` block must equal the outcome
 * exactly. A wrong figure in the documentation fails this file.
 */

const DOCS = {
  zh: { file: 'docs/policy-language.md', other: 'policy-language.en.md' },
  en: { file: 'docs/policy-language.en.md', other: 'policy-language.md' },
} as const;

const KINDS = ['policy', 'canteen', 'elder', 'meals', 'month', 'register', 'refused', 'expect'] as const;
type Kind = (typeof KINDS)[number];

interface Block {
  readonly kind: Kind;
  readonly name: string;
  readonly json: unknown;
  readonly line: number;
}

const OPENING = /^```json(?:\s+(.*))?$/;
const MARKER = /^([a-z]+) name=([A-Za-z0-9][\w-]*)$/;

function readDoc(file: string): string {
  return readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
}

/** Every marked example block of a document, in order; a ```json fence with a malformed marker fails. */
function blocksOf(markdown: string, file: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = OPENING.exec(lines[index] ?? '');
    if (!opening) continue;
    const info = opening[1]?.trim() ?? '';
    const end = lines.findIndex((text, at) => at > index && text.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${index + 1}: fence never closed`);
    const body = lines.slice(index + 1, end).join('\n');
    index = end;
    if (info === '') continue;
    const marker = MARKER.exec(info);
    const kind = marker?.[1] as Kind | undefined;
    if (!marker || kind === undefined || !KINDS.includes(kind)) {
      throw new Error(`${file}:${index + 1}: unknown example marker "${info}"`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      throw new Error(`${file}: block ${info} is not JSON: ${(error as Error).message}`);
    }
    blocks.push({ kind, name: marker[2] as string, json, line: index + 1 });
  }
  return blocks;
}

const docs = {
  zh: { text: readDoc(DOCS.zh.file), blocks: blocksOf(readDoc(DOCS.zh.file), DOCS.zh.file) },
  en: { text: readDoc(DOCS.en.file), blocks: blocksOf(readDoc(DOCS.en.file), DOCS.en.file) },
};

/** The givens of a document by kind and name; names are unique per kind. */
class Examples {
  private readonly byKey = new Map<string, Block>();

  constructor(readonly blocks: readonly Block[]) {
    for (const block of blocks) {
      const key = `${block.kind}:${block.name}`;
      if (this.byKey.has(key)) throw new Error(`two ${block.kind} blocks named ${block.name}`);
      this.byKey.set(key, block);
    }
  }

  get(kind: Kind, name: string): unknown {
    const block = this.byKey.get(`${kind}:${name}`);
    if (!block) throw new Error(`no ${kind} block named ${name}`);
    return block.json;
  }

  has(kind: Kind, name: string): boolean {
    return this.byKey.has(`${kind}:${name}`);
  }

  named(kind: Kind): Block[] {
    return this.blocks.filter((block) => block.kind === kind);
  }

  policy(name: string): PolicyDocument {
    const parsed = parsePolicyDocument(this.get('policy', name));
    if (!parsed.ok) throw new Error(`policy ${name} refused: ${JSON.stringify(parsed.issues)}`);
    return parsed.policy;
  }

  canteen(name: string): CanteenDetails {
    const given = canteenSchema.parse(this.get('canteen', name));
    return {
      ...given,
      location: null,
      menu: given.menu.map((item) => ({ ...item, priceFen: fen(item.priceFen) })),
    };
  }

  elder(name: string): z.output<typeof elderSchema> {
    return elderSchema.parse(this.get('elder', name));
  }
}

// The shapes of the givens. Canteens are written as `PUT /api/v1/canteens/{id}` takes them.
const canteenSchema = z.strictObject({
  name: z.string(),
  district: z.string(),
  town: z.string(),
  periods: z.partialRecord(
    z.enum(['breakfast', 'lunch', 'dinner']),
    z.strictObject({ from: z.string(), to: z.string() }),
  ),
  menu: z.array(z.strictObject({ itemId: z.string(), name: z.string(), priceFen: z.number().int() })),
});

/** An elder's facts as registered: the birth date stands for the one the ID number carries. */
const elderSchema = z.strictObject({
  birthDate: z.string(),
  district: z.string(),
  town: z.string(),
  homeCanteenId: z.string().nullable().default(null),
  categories: z
    .array(
      z.strictObject({ category: z.string(), from: z.string(), to: z.string().nullable().default(null) }),
    )
    .default([]),
  deathDate: z.string().nullable().default(null),
});

const saleStepSchema = z.strictObject({
  sale: z.string(),
  elder: z.string().nullable().default(null),
  canteen: z.string(),
  at: z.string(),
  channel: z.enum(['dine-in', 'delivery']).default('dine-in'),
  items: z.array(z.strictObject({ itemId: z.string(), qty: z.number() })),
  card: z.enum(['active', 'retired']).default('active'),
  offline: z.literal(true).optional(),
  appliedSubsidyFen: z.number().int().optional(),
});
const voidStepSchema = z.strictObject({ void: z.string() });
const mealsSchema = z.strictObject({
  policies: z.array(z.string()),
  meals: z.array(z.union([voidStepSchema, saleStepSchema])),
});
const monthSchema = z.strictObject({ meals: z.string(), month: z.string(), canteen: z.string() });
const registerSchema = z.strictObject({ put: z.array(z.string()), inForceOn: z.array(z.string()) });

/** What a decided sale answers, as the sale answer of `POST /api/v1/sales` carries it (all reasons). */
function answerOf(sold: MealSoldData) {
  return {
    sale: sold.saleId,
    businessDate: sold.businessDate,
    period: sold.period,
    policyId: sold.policyId,
    totalFen: sold.totalFen,
    subsidyFen: sold.subsidyFen,
    elderPaysFen: sold.elderPaysFen,
    lines: sold.lines.map((line) => ({
      ruleId: line.ruleId,
      fen: line.fen,
      funding: line.funding.map(({ source, fen }) => ({ source, fen })),
    })),
    reasons: [...sold.reasons],
    ...(sold.excluded.length > 0
      ? { excluded: sold.excluded.map(({ reason, fen }) => ({ reason, fen })) }
      : {}),
    ...(sold.notice ? { notice: { owedFen: sold.notice.owedFen } } : {}),
  };
}

function instantOf(text: string): number {
  const at = instantFromIso(text);
  if (at === null) throw new Error(`not an instant with offset: ${text}`);
  return at;
}

interface SceneOutcome {
  readonly answers: ReturnType<typeof answerOf>[];
  readonly records: SaleRecord[];
  readonly facts: SettlementFacts;
}

/**
 * Sells a scene's meals one after the other, as the service does: each decided by `decideSale` with
 * the policy in force on its business date and the elder's allowance as the earlier decisions and
 * voids left it (folded by the elder's own `evolve`).
 */
function runScene(examples: Examples, name: string): SceneOutcome {
  const scene = mealsSchema.parse(examples.get('meals', name));
  const policies = scene.policies.map((policy) => examples.policy(policy));
  const elders = new Map<string, RegisteredElder>();
  const elderState = (elderName: string): RegisteredElder => {
    const known = elders.get(elderName);
    if (known) return known;
    const given = examples.elder(elderName);
    let state = elderDecider.evolve(elderDecider.initialState, {
      type: 'ElderRegistered',
      data: {
        elderId: elderName,
        profile: {
          name: elderName,
          birthDate: given.birthDate,
          idNumber: { sealed: '', lookupHash: elderName, masked: '' },
          district: given.district,
          town: given.town,
          homeCanteenId: given.homeCanteenId,
          categories: given.categories,
        },
      },
    });
    state = elderDecider.evolve(state, {
      type: 'CardBound',
      data: { elderId: elderName, cardUid: `card-${elderName}`, previousCardUid: null, effectiveFrom: null },
    });
    if (given.deathDate !== null) {
      state = elderDecider.evolve(state, {
        type: 'ElderDied',
        data: { elderId: elderName, date: given.deathDate },
      });
    }
    if (state.status !== 'registered') throw new Error(`elder ${elderName} not registered`);
    elders.set(elderName, state);
    return state;
  };
  const answers: ReturnType<typeof answerOf>[] = [];
  const records: SaleRecord[] = [];
  scene.meals.forEach((step, order) => {
    if ('void' in step) {
      const record = records.find((candidate) => candidate.sale.saleId === step.void);
      if (!record) throw new Error(`void of an unknown sale ${step.void}`);
      record.voided = { eventId: `void-${step.void}`, leaf: '', order, reason: 'void' };
      const elderId = record.sale.elderId;
      if (elderId !== null) {
        const voided = elderDecider.evolve(elderState(elderId), {
          type: 'MealSubsidyVoided',
          data: { elderId, saleId: step.void, businessDate: record.sale.businessDate },
        });
        if (voided.status === 'registered') elders.set(elderId, voided);
      }
      return;
    }
    const occurredAt = instantOf(step.at);
    const holder = step.elder === null ? null : elderState(step.elder);
    const decision = decideSale(
      {
        saleId: step.sale,
        terminalSeq: order + 1,
        occurredAt,
        channel: step.channel,
        cardUid: step.elder === null ? null : `card-${step.elder}`,
        items: step.items,
        payment: null,
        offline: step.offline ? { appliedSubsidyFen: fen(step.appliedSubsidyFen ?? 0) } : null,
        fingerprint: step.sale,
      },
      {
        terminalId: `${step.canteen}-t1`,
        cashierId: null,
        canteenId: step.canteen,
        canteen: examples.canteen(step.canteen),
        card: holder === null ? null : { status: step.card, elderId: holder.elderId },
        elder: holder,
        policy: policyInForceOn(policies, businessDateOf(occurredAt)),
      },
    );
    if (holder !== null && decision.allowance !== null) {
      const next = elderDecider.evolve(holder, decision.allowance);
      if (next.status === 'registered') elders.set(holder.elderId, next);
    }
    const sold = decision.sold.data;
    answers.push(answerOf(sold));
    records.push({
      sale: settledSaleOf(sold),
      month: monthKeyOf(sold.businessDate),
      sold: { eventId: step.sale, leaf: '', order },
      voided: null,
      excludedBy: null,
    });
  });
  const elderNames = new Set(
    scene.meals.flatMap((step) => ('elder' in step && step.elder !== null ? [step.elder] : [])),
  );
  const facts: SettlementFacts = {
    policies,
    elders: new Map(
      [...elderNames].map((elderName) => {
        const given = examples.elder(elderName);
        return [
          elderName,
          {
            elderId: elderName,
            birthDate: given.birthDate,
            diedOn: given.deathDate,
            maskedName: '',
            maskedIdNumber: '',
          },
        ];
      }),
    ),
  };
  return { answers, records, facts };
}

/** One canteen's month as the settlement computes it from the scene's sales and voids. */
function settleMonth(examples: Examples, name: string) {
  const given = monthSchema.parse(examples.get('month', name));
  const { records, facts } = runScene(examples, given.meals);
  const { settlement } = canteenMonth({
    month: given.month,
    canteenId: given.canteen,
    records: records.filter(
      (record) => record.sale.canteenId === given.canteen && record.month === given.month,
    ),
    carried: [],
    facts,
    elderDays: new ElderDays(facts),
    digest: () => ({ digest: '', leafTrail: '' }),
  });
  return {
    mealsSold: settlement.mealsSold,
    subsidisedMeals: settlement.subsidisedMeals,
    subsidyFen: settlement.subsidyFen,
    excluded: settlement.excluded.map(({ saleId, reason, fen }) => ({ saleId, reason, fen })),
    bySource: settlement.bySource,
    operatingSubsidy: {
      policyId: settlement.operatingSubsidy.policyId,
      lines: settlement.operatingSubsidy.lines,
    },
    operatingSubsidyFen: settlement.operatingSubsidyFen,
    reimbursementFen: settlement.reimbursementFen,
  };
}

/** `PUT /api/v1/policies/{id}` of each document in turn against the policy register, then who is in force. */
function registerInTurn(examples: Examples, name: string) {
  const given = registerSchema.parse(examples.get('register', name));
  let state: PolicyRegisterState = policyRegister.initialState;
  const answers = given.put.map((policyName) => {
    const policy = examples.policy(policyName);
    try {
      const events = policyRegister.decide({ policy }, state);
      for (const event of events) state = policyRegister.evolve(state, event);
      return { put: policyName, status: events.length > 0 ? 201 : 200 };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const status = PROBLEM_CATALOGUE[error.code as ProblemCode]?.status;
      return { put: policyName, status, code: error.code };
    }
  });
  const inForce = Object.fromEntries(
    given.inForceOn.map((date) => [date, policyInForceOn(state.policies, date)?.policyId ?? null]),
  );
  return { answers, inForce };
}

/** The problem+json answer `PUT /api/v1/policies/{id}` gives a document its schema refuses. */
function refusal(document: unknown) {
  const parsed = policyDocumentSchema.safeParse(document);
  if (parsed.success) throw new Error('the document was accepted');
  const problem = invalidInputProblem('body', parsed.error);
  return {
    type: `https://zhucan.invalid/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...problem.extra,
  };
}

function outcomeOf(examples: Examples, block: Block): unknown {
  switch (block.kind) {
    case 'meals':
      return runScene(examples, block.name).answers;
    case 'month':
      return settleMonth(examples, block.name);
    case 'register':
      return registerInTurn(examples, block.name);
    case 'refused':
      return refusal(block.json);
    default:
      throw new Error(`${block.kind} blocks have no outcome`);
  }
}

const OUTCOME_KINDS: readonly Kind[] = ['meals', 'month', 'register', 'refused'];

describe('the policy-language reference', () => {
  it.each(Object.entries(DOCS))('%s starts with a link to the other language', (language, doc) => {
    const firstLine = docs[language as keyof typeof docs].text.split('\n')[0] ?? '';
    expect(firstLine).toContain(`](${doc.other})`);
  });

  it('carries the same examples in both languages, in the same order', () => {
    const strip = (blocks: readonly Block[]) => blocks.map(({ kind, name, json }) => ({ kind, name, json }));
    expect(docs.en.blocks.length).toBeGreaterThan(0);
    expect(strip(docs.en.blocks)).toEqual(strip(docs.zh.blocks));
  });

  const examples = new Examples(docs.zh.blocks);

  it('has an expect block for every example with an outcome, and none without one', () => {
    const withOutcome = examples.blocks.filter((block) => OUTCOME_KINDS.includes(block.kind));
    expect(examples.named('expect').map((block) => block.name)).toEqual(
      withOutcome.map((block) => block.name),
    );
  });

  it.each(examples.named('policy').map((block) => [block.name, block.json] as const))(
    'policy %s is accepted by the policy parser',
    (_name, document) => {
      const parsed = parsePolicyDocument(document);
      expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    },
  );

  it('shows the very example-city policies the service is tested with', () => {
    for (const wire of [BEIJING_LIKE, TIANJIN_LIKE, ZENGCHENG_LIKE]) {
      const parsed = parsePolicyDocument(wire);
      expect(parsed.ok && parsed.policy).toEqual(examples.policy(wire.policyId));
    }
  });

  it.each(examples.named('canteen').map((block) => [block.name] as const))(
    'canteen %s has well-formed meal periods',
    (name) => {
      expect(canteenPeriodProblems(examples.canteen(name).periods)).toEqual([]);
    },
  );

  it.each(
    examples.blocks
      .filter((block) => OUTCOME_KINDS.includes(block.kind))
      .map((block) => [`${block.kind} ${block.name}`, block] as const),
  )('%s gives what its expect block says', (_label, block) => {
    expect(outcomeOf(examples, block)).toEqual(examples.get('expect', block.name));
  });
});
