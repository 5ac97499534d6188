import type { Fen } from '../money.ts';
import type { BusinessDate } from '../time/calendar.ts';

/**
 * The subsidy policy as the engine sees it: a parsed version-1 policy document with every default
 * filled in, so that no rule evaluation has to guess what an absent field meant.
 */

/** 餐次: meal period of a canteen. */
export type MealPeriod = 'breakfast' | 'lunch' | 'dinner';
export const MEAL_PERIODS: readonly MealPeriod[] = ['breakfast', 'lunch', 'dinner'];

/** 用餐方式: 堂食 dine-in or 配送餐 delivery. */
export type Channel = 'dine-in' | 'delivery';
export const CHANNELS: readonly Channel[] = ['dine-in', 'delivery'];

/**
 * 属地: a funding part paid only when the canteen lies in the elder's own district (`district`),
 * or in the elder's own district and town (`town`).
 */
export type Locality = 'district' | 'town';

/** 补贴范围: where an elder's meals can be subsidised at all. */
export type PolicyScope = 'citywide' | 'home-district' | 'home-canteen';

/** Who absorbs the part of an offline subsidy that is not reimbursed. */
export type OfflineExcess = 'canteen-bears' | 'elder-owes';

/** 补贴对象条件: every condition given must hold; null and empty lists are no condition. */
export interface Eligibility {
  readonly minAge: number | null;
  /** Inclusive. */
  readonly maxAge: number | null;
  /** Holds at least one of these categories on the business date. */
  readonly categoriesAny: readonly string[];
  /** Holds every one of these categories on the business date. */
  readonly categoriesAll: readonly string[];
}

/** 补贴标准: what one rule gives for a meal before the elder's minimum payment and funding. */
export type Benefit =
  | { readonly kind: 'fixed'; readonly fen: Fen }
  /** Basis points of the price rounded down, at most `maxFen` when given. */
  | { readonly kind: 'percentOff'; readonly bp: number; readonly maxFen: Fen | null }
  /** The elder pays at most `fen`; the subsidy is the rest of the price. */
  | { readonly kind: 'payAtMost'; readonly fen: Fen };

/** 资金来源份额: a share of the rule's subsidy in basis points. */
export interface SharePart {
  readonly source: string;
  readonly shareBp: number;
  readonly locality: Locality | null;
}

/** 定额资金: a fixed part that pays at most `fen`, or the part that pays the rest. */
export type FixedPart =
  | { readonly kind: 'up-to'; readonly source: string; readonly fen: Fen; readonly locality: Locality | null }
  | { readonly kind: 'rest'; readonly source: string; readonly locality: Locality | null };

/** 资金分担: who pays a rule's subsidy, in listed order. */
export type Funding =
  | { readonly kind: 'shares'; readonly parts: readonly SharePart[] }
  | { readonly kind: 'fixed'; readonly parts: readonly FixedPart[] };

/** 补贴规则: who gets what for one meal. */
export interface SubsidyRule {
  readonly ruleId: string;
  readonly label: string;
  readonly eligible: Eligibility;
  readonly periods: readonly MealPeriod[];
  readonly channels: readonly Channel[];
  readonly minSpendFen: Fen;
  readonly benefit: Benefit;
  /** 叠加组: rules sharing a group compete, groups add up; null makes the rule its own group. */
  readonly stackGroup: string | null;
  readonly funding: Funding;
}

export type CapWindow = 'day' | 'week' | 'month';
export const CAP_WINDOWS: readonly CapWindow[] = ['day', 'week', 'month'];

/** 补贴次数上限: how many subsidised meals (or meals a group paid for) an elder may have per window. */
export interface SubsidyCap {
  readonly per: CapWindow;
  readonly max: number;
  /** Only meals of this period count and are capped. */
  readonly period: MealPeriod | null;
  /** Null: a whole-meal cap. Otherwise only this group is capped. */
  readonly stackGroup: string | null;
}

/** 年龄段: an age band of `perDinerByAge`; `maxAge` inclusive, null for none. */
export interface AgeBand {
  readonly minAge: number;
  readonly maxAge: number | null;
  readonly fen: Fen;
}

/** 运营补贴项目: one item of the canteen operating subsidy. */
export type OperatingSubsidyItem =
  | { readonly kind: 'perSubsidisedMeal'; readonly fen: Fen; readonly monthlyCapFen: Fen | null }
  | { readonly kind: 'perElderDay'; readonly fen: Fen; readonly monthlyCapFen: Fen | null }
  | { readonly kind: 'perDinerByAge'; readonly bands: readonly AgeBand[]; readonly monthlyCapFen: Fen | null }
  | { readonly kind: 'flatMonthly'; readonly fen: Fen; readonly monthlyCapFen: Fen | null }
  | { readonly kind: 'minMealsPerDay'; readonly meals: number; readonly monthlyCapFen: Fen | null };

export type OperatingSubsidyKind = OperatingSubsidyItem['kind'];

/** 补贴政策: a bureau's subsidy policy, in force on `[effectiveFrom, effectiveTo)`. */
export interface PolicyDocument {
  readonly policyId: string;
  readonly name: string;
  readonly effectiveFrom: BusinessDate;
  /** Exclusive; null is open-ended. */
  readonly effectiveTo: BusinessDate | null;
  /** The policy this one replaces from its `effectiveFrom` on. */
  readonly supersedes: string | null;
  readonly rules: readonly SubsidyRule[];
  readonly caps: readonly SubsidyCap[];
  /** 个人最低自付: the elder always pays at least this much of a meal. */
  readonly elderMinPayFen: Fen;
  readonly scope: PolicyScope;
  readonly offlineExcess: OfflineExcess;
  readonly operatingSubsidy: readonly OperatingSubsidyItem[];
}
