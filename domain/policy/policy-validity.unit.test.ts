import { describe, expect, it } from 'vitest';
import {
  effectiveRangeOf,
  isInForce,
  overlappingPolicy,
  policiesOverlap,
  policyInForceOn,
} from './policy-validity.ts';
import { testPolicy } from './test-support.ts';

const dated = (effectiveFrom: string, effectiveTo: string | null) => ({ effectiveFrom, effectiveTo });

describe('when a policy is in force', () => {
  it.each([
    ['2023-12-31', false],
    ['2024-01-01', true], // effectiveFrom inclusive
    ['2024-06-30', true],
    ['2024-07-01', false], // effectiveTo exclusive
  ])('a policy of 2024-01-01 to 2024-07-01 is in force on %s: %s', (date, expected) => {
    expect(isInForce(dated('2024-01-01', '2024-07-01'), date)).toBe(expected);
  });

  it('is open-ended without effectiveTo', () => {
    expect(isInForce(dated('2024-01-01', null), '2099-12-31')).toBe(true);
  });

  it.each([
    [dated('2024-01-01', '2024-07-01'), dated('2024-07-01', null), false], // back to back
    [dated('2024-01-01', '2024-07-02'), dated('2024-07-01', null), true],
    [dated('2024-01-01', null), dated('2030-01-01', null), true],
    [dated('2025-01-01', null), dated('2024-01-01', '2025-01-01'), false],
  ])('%o and %o overlap: %s', (a, b, expected) => {
    expect(policiesOverlap(a, b)).toBe(expected);
    expect(policiesOverlap(b, a)).toBe(expected);
  });
});

describe('one policy in force per date', () => {
  const first = testPolicy({ policyId: 'p-2024', effectiveFrom: '2024-01-01' });
  const successor = testPolicy({ policyId: 'p-2024b', effectiveFrom: '2024-07-01', supersedes: 'p-2024' });
  const intruder = testPolicy({ policyId: 'p-x', effectiveFrom: '2024-03-01', effectiveTo: '2024-04-01' });

  it('refuses a policy overlapping a stored one (policy-overlap)', () => {
    expect(overlappingPolicy([first], intruder)?.policyId).toBe('p-2024');
  });

  it('allows overlapping the policy named in supersedes, which then ends where the new one starts', () => {
    expect(overlappingPolicy([first], successor)).toBeNull();
    expect(effectiveRangeOf(first, [first, successor])).toEqual({ from: '2024-01-01', to: '2024-07-01' });
    expect(policyInForceOn([first, successor], '2024-06-30')?.policyId).toBe('p-2024');
    expect(policyInForceOn([first, successor], '2024-07-01')?.policyId).toBe('p-2024b');
  });

  it('compares with ranges already ended by a supersession', () => {
    const afterTheEnd = testPolicy({ policyId: 'p-y', effectiveFrom: '2024-08-01', supersedes: 'p-2024' });
    const fitsBefore = testPolicy({
      policyId: 'p-z',
      effectiveFrom: '2023-01-01',
      effectiveTo: '2024-01-01',
    });
    expect(overlappingPolicy([first, successor], afterTheEnd)?.policyId).toBe('p-2024b');
    expect(overlappingPolicy([first, successor], fitsBefore)).toBeNull();
  });

  it('has no policy before the first one starts', () => {
    expect(policyInForceOn([first], '2023-12-31')).toBeNull();
  });
});
