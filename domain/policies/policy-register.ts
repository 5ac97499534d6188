import { canonicalJson } from '../canonical-json.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import type { PolicyDocument } from '../policy/policy-types.ts';
import { overlappingPolicy } from '../policy/policy-validity.ts';

/** The bureau's policies (补贴政策), one stream: overlaps are checked against all of them at once. */
export const POLICY_REGISTER_STREAM = 'policies';

export type PolicyRegisterEvent = {
  readonly type: 'PolicyRegistered';
  readonly data: { readonly policy: PolicyDocument };
};

export interface PolicyRegisterState {
  readonly policies: readonly PolicyDocument[];
}

export interface RegisterPolicy {
  readonly policy: PolicyDocument;
}

/**
 * A stored policy never changes; the same document again is accepted and records nothing. A policy
 * whose dates overlap another's is refused unless it names that policy in `supersedes`.
 */
export const policyRegister: Decider<RegisterPolicy, PolicyRegisterEvent, PolicyRegisterState> = {
  initialState: { policies: [] },
  decide({ policy }, state) {
    const stored = state.policies.find((candidate) => candidate.policyId === policy.policyId);
    if (stored) {
      if (canonicalJson(stored) === canonicalJson(policy)) return [];
      throw new DomainError('conflict', 'policy-immutable', {
        en: `policy ${policy.policyId} is already stored with another document`,
        zh: `政策 ${policy.policyId} 已按另一份内容保存，保存过的政策不能修改`,
      });
    }
    if (
      policy.supersedes !== null &&
      !state.policies.some((candidate) => candidate.policyId === policy.supersedes)
    ) {
      throw new DomainError(
        'not-allowed',
        'policy-unknown',
        {
          en: `policy ${policy.supersedes} to supersede is not stored`,
          zh: `要取代的政策 ${policy.supersedes} 未登记`,
        },
        'supersedes',
      );
    }
    const overlap = overlappingPolicy(state.policies, policy);
    if (overlap) {
      throw new DomainError(
        'conflict',
        'policy-overlap',
        {
          en: `policy ${policy.policyId} overlaps policy ${overlap.policyId}; name it in supersedes to replace it`,
          zh: `政策 ${policy.policyId} 与政策 ${overlap.policyId} 时间重叠；如要取代它，请在 supersedes 中写明`,
        },
        'effectiveFrom',
      );
    }
    return [{ type: 'PolicyRegistered', data: { policy } }];
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PolicyRegistered':
        return { policies: [...state.policies, event.data.policy] };
      default: {
        const _exhaustive: never = event.type;
        return _exhaustive;
      }
    }
  },
};
