import { describe, it } from 'vitest';
import { parsePolicyDocument } from '../policy/policy-document.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type PolicyRegisterEvent, policyRegister } from './policy-register.ts';

function policy(overrides: Record<string, unknown>): PolicyDocument {
  const parsed = parsePolicyDocument({
    policyId: 'p',
    name: '示例',
    effectiveFrom: '2026-01-01',
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    rules: [
      {
        ruleId: 'age-80',
        eligible: { minAge: 80 },
        benefit: { kind: 'fixed', fen: 300 },
        funding: [{ source: 'city', shareBp: 10000 }],
      },
    ],
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.policy;
}

const registered = (document: PolicyDocument): PolicyRegisterEvent => ({
  type: 'PolicyRegistered',
  data: { policy: document },
});
const spec = deciderSpec(policyRegister);

describe('policy register', () => {
  const y2026 = policy({ policyId: 'y2026', effectiveFrom: '2026-01-01', effectiveTo: '2027-01-01' });

  it('registers a first policy', () => {
    spec
      .given([])
      .when({ policy: y2026 })
      .expect([registered(y2026)]);
  });

  it('accepts the same document again and records nothing', () => {
    spec
      .given([registered(y2026)])
      .when({ policy: y2026 })
      .expect([]);
  });

  it('refuses another document under a stored policy id', () => {
    spec
      .given([registered(y2026)])
      .when({ policy: { ...y2026, name: '改过的' } })
      .expectRefusal('policy-immutable');
  });

  it('refuses overlapping dates', () => {
    const overlapping = policy({ policyId: 'mid-2026', effectiveFrom: '2026-07-01' });
    spec
      .given([registered(y2026)])
      .when({ policy: overlapping })
      .expectRefusal('policy-overlap', 'effectiveFrom');
  });

  it('accepts a policy that names the one it supersedes, and one that starts where another ends', () => {
    const successor = policy({ policyId: 'mid-2026', effectiveFrom: '2026-07-01', supersedes: 'y2026' });
    spec
      .given([registered(y2026)])
      .when({ policy: successor })
      .expect([registered(successor)]);
    const next = policy({ policyId: 'y2027', effectiveFrom: '2027-01-01' });
    spec
      .given([registered(y2026)])
      .when({ policy: next })
      .expect([registered(next)]);
  });

  it('refuses to supersede a policy that is not stored', () => {
    const successor = policy({ policyId: 'mid-2026', effectiveFrom: '2026-07-01', supersedes: 'nothing' });
    spec.given([]).when({ policy: successor }).expectRefusal('policy-unknown', 'supersedes');
  });
});
