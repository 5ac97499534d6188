import { type Fen, min, splitByShares, subtract, ZERO } from '../money.ts';
import type { Funding, Locality } from './policy-types.ts';

/** 资金来源金额: what one funding source pays of a meal's subsidy. */
export interface FundingLine {
  readonly source: string;
  readonly fen: Fen;
}

/** A funding part's amount before locality is checked, in the part's listed position. */
export interface FundingPartAmount extends FundingLine {
  readonly locality: Locality | null;
}

/** Where the canteen lies relative to the elder's registered home. */
export interface HomeLocality {
  readonly sameDistrict: boolean;
  /** Same district and same town: town names repeat across districts. */
  readonly sameTown: boolean;
}

/**
 * Splits a rule's amount over its funding parts, in listed order. Shares use the largest remainder
 * (ties to the first listed) so the parts add up exactly. Fixed parts fill in order, each at most its
 * fen of what is left; the `rest` part takes what remains after all of them wherever it is listed;
 * without one the remainder is simply not paid.
 */
export function splitFunding(amount: Fen, funding: Funding): FundingPartAmount[] {
  switch (funding.kind) {
    case 'shares': {
      const amounts = splitByShares(
        amount,
        funding.parts.map((part) => part.shareBp),
      );
      return funding.parts.map((part, index) => ({
        source: part.source,
        locality: part.locality,
        fen: amounts[index] ?? ZERO,
      }));
    }
    case 'fixed': {
      let left = amount;
      const filled = funding.parts.map((part) => {
        if (part.kind === 'rest') return null;
        const take = min(part.fen, left);
        left = subtract(left, take);
        return take;
      });
      return funding.parts.map((part, index) => ({
        source: part.source,
        locality: part.locality,
        fen: filled[index] ?? left,
      }));
    }
    default: {
      const _exhaustive: never = funding;
      return _exhaustive;
    }
  }
}

/** Whether a part with this locality is paid for a meal eaten at `home`. */
export function isLocalityMet(locality: Locality | null, home: HomeLocality): boolean {
  switch (locality) {
    case null:
      return true;
    case 'district':
      return home.sameDistrict;
    case 'town':
      return home.sameTown;
    default: {
      const _exhaustive: never = locality;
      return _exhaustive;
    }
  }
}

/** Drops the parts whose locality fails; the subsidy shrinks by them. Zero parts are left out. */
export function keepLocalParts(parts: readonly FundingPartAmount[], home: HomeLocality): FundingLine[] {
  return parts
    .filter((part) => part.fen > 0 && isLocalityMet(part.locality, home))
    .map(({ source, fen }) => ({ source, fen }));
}
