import { z } from 'zod';
import { fen } from '../money.ts';
import { type FieldWords, fieldWordsOf, formatIssuePath } from '../problems/issue-words.ts';
import { isBefore, isBusinessDate } from '../time/calendar.ts';
import type {
  FixedPart,
  Funding,
  OperatingSubsidyItem,
  PolicyDocument,
  SharePart,
  SubsidyRule,
} from './policy-types.ts';

/*
 * The wire form of a version-1 policy document (docs/policy-language.en.md). Objects are strict: a misspelt
 * `stackGroup` or `locality` would otherwise be dropped silently and change who pays, so an unknown
 * field is refused with its path like any other mistake.
 */

const ALL_PERIODS = ['breakfast', 'lunch', 'dinner'] as const;
const ALL_CHANNELS = ['dine-in', 'delivery'] as const;
const FULL_SHARE_BP = 10_000;

const identifier = (what: string) => z.string().trim().min(1).max(200).describe(what);

const moneyFen = (what: string) =>
  z.number().int().min(0).describe(`${what}, in whole fen (分); a non-negative safe integer`);

const wholeYears = (what: string) => z.number().int().min(0).max(200).describe(what);

const businessDate = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD', abort: true })
    .refine(isBusinessDate, 'not a real calendar date')
    .describe(`${what} (YYYY-MM-DD, Asia/Shanghai)`);

const mealPeriodSchema = z.enum(ALL_PERIODS).describe('餐次: meal period');
const channelSchema = z.enum(ALL_CHANNELS).describe('用餐方式: 堂食 dine-in or 配送餐 delivery');
const localitySchema = z
  .enum(['district', 'town'])
  .nullable()
  .default(null)
  .describe(
    "属地: paid only when the canteen is in the elder's own district (district) or district and town (town); otherwise dropped",
  );

const eligibilitySchema = z
  .strictObject({
    minAge: wholeYears('minimum age in whole years on the business date').nullable().default(null),
    maxAge: wholeYears('maximum age, inclusive; null or absent: none').nullable().default(null),
    categoriesAny: z
      .array(identifier('category'))
      .default([])
      .describe('holds at least one of these categories on the business date; empty: no condition'),
    categoriesAll: z
      .array(identifier('category'))
      .default([])
      .describe('holds every one of these categories on the business date; empty: no condition'),
  })
  .superRefine((eligible, ctx) => {
    if (eligible.minAge !== null && eligible.maxAge !== null && eligible.maxAge < eligible.minAge) {
      ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'maxAge is below minAge' });
    }
  })
  .describe('补贴对象条件: every condition given must hold');

const benefitSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed'), fen: moneyFen('subsidy per meal') }),
    z.strictObject({
      kind: z.literal('percentOff'),
      bp: z.number().int().min(0).max(FULL_SHARE_BP).describe('basis points of the price (10000 = 100%)'),
      maxFen: moneyFen('at most this subsidy').nullable().default(null),
    }),
    z.strictObject({ kind: z.literal('payAtMost'), fen: moneyFen('the elder pays at most this') }),
  ])
  .describe('补贴标准: fixed, percentOff or payAtMost');

const fundingPartSchema = z
  .strictObject({
    source: identifier('资金来源: funding source, e.g. city-welfare-lottery'),
    shareBp: z.number().int().min(0).max(FULL_SHARE_BP).optional().describe('share in basis points'),
    fen: moneyFen('fixed part: pays at most this').optional(),
    rest: z.literal(true).optional().describe('fixed part that pays what remains after all others'),
    locality: localitySchema,
  })
  .superRefine((part, ctx) => {
    const given = [part.shareBp, part.fen, part.rest].filter((value) => value !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a funding part has exactly one of shareBp, fen or rest: true',
      });
    }
  });

const fundingSchema = z
  .array(fundingPartSchema)
  .min(1)
  .superRefine((parts, ctx) => {
    const shares = parts.filter((part) => part.shareBp !== undefined);
    if (shares.length > 0 && shares.length < parts.length) {
      ctx.addIssue({ code: 'custom', message: 'a funding list has either shares or fixed parts, not both' });
      return;
    }
    if (shares.length > 0) {
      const total = shares.reduce((sum, part) => sum + (part.shareBp ?? 0), 0);
      if (total !== FULL_SHARE_BP) {
        ctx.addIssue({
          code: 'custom',
          message: `shares must sum to 10000 bp, got ${total}`,
          params: { zh: `各比例(shareBp)之和须为 10000，现为 ${total}` },
        });
      }
      return;
    }
    parts.forEach((part, index) => {
      if (part.rest && parts.findIndex((other) => other.rest) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'rest'],
          message: 'at most one funding part may be rest',
        });
      }
    });
  })
  .describe('资金分担: shares (shareBp summing to 10000) or fixed parts (fen, at most one rest: true)');

const ruleSchema = z
  .strictObject({
    ruleId: identifier('rule id, unique in the policy'),
    label: z.string().max(200).optional().describe('name shown to staff; defaults to the ruleId'),
    eligible: eligibilitySchema.default({
      minAge: null,
      maxAge: null,
      categoriesAny: [],
      categoriesAll: [],
    }),
    periods: z
      .array(mealPeriodSchema)
      .min(1)
      .default([...ALL_PERIODS])
      .describe('absent: all periods'),
    channels: z
      .array(channelSchema)
      .min(1)
      .default([...ALL_CHANNELS])
      .describe('absent: both channels'),
    minSpendFen: moneyFen('the rule applies only when the price is at least this').default(0),
    benefit: benefitSchema,
    stackGroup: identifier('叠加组: rules sharing a group compete; absent: the rule is its own group')
      .nullable()
      .default(null),
    funding: fundingSchema,
  })
  .describe('补贴规则: who gets what for one meal');

const capSchema = z
  .strictObject({
    per: z
      .enum(['day', 'week', 'month'])
      .describe('business date, ISO week Monday–Sunday, or calendar month'),
    max: z.number().int().min(0).describe('subsidised meals allowed per window'),
    period: mealPeriodSchema
      .nullable()
      .default(null)
      .describe('applies to and counts only meals of this period'),
    stackGroup: identifier('caps only this group; absent: a whole-meal cap').nullable().default(null),
  })
  .describe('补贴次数上限');

const monthlyCap = moneyFen('this item pays at most this per canteen per month').nullable().default(null);

const ageBandSchema = z.strictObject({
  minAge: wholeYears('band minimum age'),
  maxAge: wholeYears('band maximum age, inclusive; absent: none').nullable().default(null),
  fen: moneyFen('per elder-day in this band'),
});

const operatingItemSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('perSubsidisedMeal'),
      fen: moneyFen('per reimbursed subsidised meal'),
      monthlyCapFen: monthlyCap,
    }),
    z.strictObject({
      kind: z.literal('perElderDay'),
      fen: moneyFen('per distinct elder served per day'),
      monthlyCapFen: monthlyCap,
    }),
    z.strictObject({
      kind: z.literal('perDinerByAge'),
      bands: z
        .array(ageBandSchema)
        .min(1)
        .superRefine((bands, ctx) => {
          bands.forEach((band, index) => {
            if (band.maxAge !== null && band.maxAge < band.minAge) {
              ctx.addIssue({ code: 'custom', path: [index, 'maxAge'], message: 'maxAge is below minAge' });
            }
            const overlapped = bands.findIndex(
              (other, otherIndex) =>
                otherIndex < index &&
                (other.maxAge === null || band.minAge <= other.maxAge) &&
                (band.maxAge === null || other.minAge <= band.maxAge),
            );
            if (overlapped >= 0) {
              ctx.addIssue({
                code: 'custom',
                path: [index],
                message: `age band overlaps bands[${overlapped}]`,
                params: { zh: `年龄段与 bands[${overlapped}] 重叠` },
              });
            }
          });
        }),
      monthlyCapFen: monthlyCap,
    }),
    z.strictObject({
      kind: z.literal('flatMonthly'),
      fen: moneyFen('per canteen with at least one sale in the month'),
      monthlyCapFen: monthlyCap,
    }),
    z.strictObject({
      kind: z.literal('minMealsPerDay'),
      meals: z.number().int().min(0).describe('a day with fewer meals earns no per-meal or per-day subsidy'),
      monthlyCapFen: monthlyCap,
    }),
  ])
  .describe('运营补贴项目');

/** 补贴政策文件 (version 1): the JSON document a bureau uploads. */
export const policyDocumentSchema = z
  .strictObject({
    policyId: identifier('policy id; the same id never names another document'),
    name: z.string().trim().min(1).max(200).describe('政策名称'),
    effectiveFrom: businessDate('first business date in force, inclusive'),
    effectiveTo: businessDate('first business date no longer in force, exclusive; null or absent: open-ended')
      .nullable()
      .default(null),
    supersedes: identifier('policyId of the policy this one ends from effectiveFrom on')
      .nullable()
      .default(null),
    rules: z.array(ruleSchema).describe('补贴规则, in document order'),
    caps: z.array(capSchema).default([]).describe('补贴次数上限'),
    elderMinPayFen: moneyFen('个人最低自付: the elder pays at least this per meal').default(0),
    scope: z
      .enum(['citywide', 'home-district', 'home-canteen'])
      .describe("补贴范围: any canteen, canteens in the elder's district, or the elder's home canteen"),
    offlineExcess: z
      .enum(['canteen-bears', 'elder-owes'])
      .describe('who absorbs offline subsidy that is not reimbursed'),
    operatingSubsidy: z.array(operatingItemSchema).default([]).describe('运营补贴 for canteens, per month'),
  })
  .superRefine((policy, ctx) => {
    // Zod runs this check even when a date failed its own (it is reported there): compare real dates only.
    const datesValid =
      isBusinessDate(policy.effectiveFrom) &&
      (policy.effectiveTo === null || isBusinessDate(policy.effectiveTo));
    if (datesValid && policy.effectiveTo !== null && !isBefore(policy.effectiveFrom, policy.effectiveTo)) {
      ctx.addIssue({
        code: 'custom',
        path: ['effectiveTo'],
        message: 'effectiveTo must be after effectiveFrom',
      });
    }
    if (policy.supersedes === policy.policyId) {
      ctx.addIssue({ code: 'custom', path: ['supersedes'], message: 'a policy cannot supersede itself' });
    }
    const seen = new Set<string>();
    policy.rules.forEach((rule, index) => {
      if (seen.has(rule.ruleId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'ruleId'],
          message: `duplicate ruleId ${rule.ruleId}`,
          params: { zh: `规则编号 ${rule.ruleId} 重复` },
        });
      }
      seen.add(rule.ruleId);
    });
    const groups = new Set(policy.rules.map((rule) => rule.stackGroup));
    policy.caps.forEach((cap, index) => {
      if (cap.stackGroup !== null && !groups.has(cap.stackGroup)) {
        ctx.addIssue({
          code: 'custom',
          path: ['caps', index, 'stackGroup'],
          message: `no rule has stackGroup ${cap.stackGroup}`,
          params: { zh: `没有规则属于叠加组 ${cap.stackGroup}` },
        });
      }
    });
  })
  .describe('补贴政策 (policy language version 1)');

/** The document as uploaded (defaults not yet filled). */
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
type ParsedDocument = z.output<typeof policyDocumentSchema>;
type ParsedRule = ParsedDocument['rules'][number];
type ParsedFundingPart = ParsedRule['funding'][number];

/** A refused field: `path` like `rules[0].funding[1].shareBp` (empty for the document itself), in both languages. */
export type PolicyIssue = FieldWords;

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: PolicyDocument }
  | { readonly ok: false; readonly issues: readonly PolicyIssue[] };

export { formatIssuePath };

/** Checks and reads a policy document, filling every default. */
export function parsePolicyDocument(input: unknown): PolicyParseResult {
  const parsed = policyDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: fieldWordsOf(parsed.error.issues) };
  }
  return { ok: true, policy: toPolicy(parsed.data) };
}

function toPolicy(document: ParsedDocument): PolicyDocument {
  return {
    policyId: document.policyId,
    name: document.name,
    effectiveFrom: document.effectiveFrom,
    effectiveTo: document.effectiveTo,
    supersedes: document.supersedes,
    rules: document.rules.map(toRule),
    caps: document.caps.map((cap) => ({ ...cap })),
    elderMinPayFen: fen(document.elderMinPayFen),
    scope: document.scope,
    offlineExcess: document.offlineExcess,
    operatingSubsidy: document.operatingSubsidy.map(toOperatingItem),
  };
}

function toRule(rule: ParsedRule): SubsidyRule {
  const { benefit } = rule;
  return {
    ruleId: rule.ruleId,
    label: rule.label ?? rule.ruleId,
    eligible: { ...rule.eligible },
    periods: [...rule.periods],
    channels: [...rule.channels],
    minSpendFen: fen(rule.minSpendFen),
    benefit:
      benefit.kind === 'percentOff'
        ? { kind: 'percentOff', bp: benefit.bp, maxFen: benefit.maxFen === null ? null : fen(benefit.maxFen) }
        : { kind: benefit.kind, fen: fen(benefit.fen) },
    stackGroup: rule.stackGroup,
    funding: toFunding(rule.funding),
  };
}

function toFunding(parts: readonly ParsedFundingPart[]): Funding {
  const shares: SharePart[] = [];
  const fixed: FixedPart[] = [];
  for (const { source, locality, shareBp, fen: partFen, rest } of parts) {
    if (shareBp !== undefined) shares.push({ source, shareBp, locality });
    else if (rest) fixed.push({ kind: 'rest', source, locality });
    else fixed.push({ kind: 'up-to', source, fen: fen(partFen ?? 0), locality });
  }
  // The schema has refused mixed lists, so exactly one of the two is filled.
  return shares.length > 0 ? { kind: 'shares', parts: shares } : { kind: 'fixed', parts: fixed };
}

function toOperatingItem(item: ParsedDocument['operatingSubsidy'][number]): OperatingSubsidyItem {
  const monthlyCapFen = item.monthlyCapFen === null ? null : fen(item.monthlyCapFen);
  switch (item.kind) {
    case 'perSubsidisedMeal':
    case 'perElderDay':
    case 'flatMonthly':
      return { kind: item.kind, fen: fen(item.fen), monthlyCapFen };
    case 'perDinerByAge':
      return {
        kind: item.kind,
        bands: item.bands.map((band) => ({ minAge: band.minAge, maxAge: band.maxAge, fen: fen(band.fen) })),
        monthlyCapFen,
      };
    case 'minMealsPerDay':
      return { kind: item.kind, meals: item.meals, monthlyCapFen };
    default: {
      const _exhaustive: never = item;
      return _exhaustive;
    }
  }
}
