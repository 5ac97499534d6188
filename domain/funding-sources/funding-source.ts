import type { Decider } from '../decider.ts';

export const fundingSourceStream = (sourceId: string) => `funding-source-${sourceId}`;

/** 资金来源的名称: what statements, exports and pages print for a funding source a policy names by id. */
export interface FundingSourceName {
  readonly name: string;
  /** The name in English, for English pages; null when none was given. */
  readonly nameEn: string | null;
}

export type FundingSourceEvent = {
  readonly type: 'FundingSourceNamed';
  readonly data: { readonly sourceId: string } & FundingSourceName;
};

export type FundingSourceState =
  | { readonly status: 'unnamed' }
  | ({ readonly status: 'named'; readonly sourceId: string } & FundingSourceName);

export interface NameFundingSource extends FundingSourceName {
  readonly sourceId: string;
}

/**
 * 资金来源: a policy's funding parts name a source by id; the bureau names it once, and may rename it.
 * The same name again records nothing.
 */
export const fundingSource: Decider<NameFundingSource, FundingSourceEvent, FundingSourceState> = {
  initialState: { status: 'unnamed' },
  decide({ sourceId, name, nameEn }, state) {
    if (state.status === 'named' && state.name === name && state.nameEn === nameEn) return [];
    return [{ type: 'FundingSourceNamed', data: { sourceId, name, nameEn } }];
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'FundingSourceNamed':
        return {
          status: 'named',
          sourceId: event.data.sourceId,
          name: event.data.name,
          nameEn: event.data.nameEn,
        };
      default: {
        const _exhaustive: never = event.type;
        return _exhaustive;
      }
    }
  },
};
