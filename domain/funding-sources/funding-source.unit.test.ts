import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type FundingSourceEvent, fundingSource } from './funding-source.ts';

const spec = deciderSpec(fundingSource);
const named = (name: string, nameEn: string | null): FundingSourceEvent => ({
  type: 'FundingSourceNamed',
  data: { sourceId: 'city-welfare-lottery', name, nameEn },
});

describe('funding source', () => {
  it('names a source the first time', () => {
    spec
      .given([])
      .when({ sourceId: 'city-welfare-lottery', name: '城市福利彩票公益金', nameEn: null })
      .expect([named('城市福利彩票公益金', null)]);
  });

  it('records nothing for the same name again', () => {
    spec
      .given([named('城市福利彩票公益金', 'City welfare lottery fund')])
      .when({
        sourceId: 'city-welfare-lottery',
        name: '城市福利彩票公益金',
        nameEn: 'City welfare lottery fund',
      })
      .expect([]);
  });

  it('renames a source, the English name too', () => {
    spec
      .given([named('城市福利彩票公益金', null)])
      .when({ sourceId: 'city-welfare-lottery', name: '市福彩公益金', nameEn: 'City lottery fund' })
      .expect([named('市福彩公益金', 'City lottery fund')]);
  });
});
