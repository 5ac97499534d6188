import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { bureauUser, type UserEvent } from './bureau-user.ts';

const spec = deciderSpec(bureauUser);
const registered = (generation: number, role: 'reviewer' | 'auditor' = 'reviewer'): UserEvent => ({
  type: 'UserRegistered',
  data: { userId: 'wang', name: '王审核', role, canteenId: null, generation, tokenHash: `h${generation}` },
});

describe('bureau users', () => {
  it('registers a user with the first generation of token', () => {
    spec
      .given([])
      .when({
        userId: 'wang',
        profile: { name: '王审核', role: 'reviewer', canteenId: null },
        canteenRegistered: false,
        tokenHash: 'h1',
      })
      .expect([registered(1)]);
  });

  it('records nothing when the same profile is registered again', () => {
    spec
      .given([registered(1)])
      .when({
        userId: 'wang',
        profile: { name: '王审核', role: 'reviewer', canteenId: null },
        canteenRegistered: false,
        tokenHash: 'h1',
      })
      .expect([]);
  });

  it('raises the generation when the role changes, so that the old token stops working', () => {
    spec
      .given([registered(1)])
      .when({
        userId: 'wang',
        profile: { name: '王审核', role: 'auditor', canteenId: null },
        canteenRegistered: false,
        tokenHash: 'h2',
      })
      .expect([registered(2, 'auditor')]);
  });

  it('refuses a canteen manager without a canteen and a bureau role with one', () => {
    spec
      .given([])
      .when({
        userId: 'li',
        profile: { name: '李', role: 'canteen-manager', canteenId: null },
        canteenRegistered: false,
        tokenHash: 'h',
      })
      .expectRefusal('invalid-body', 'canteenId');
    spec
      .given([])
      .when({
        userId: 'li',
        profile: { name: '李', role: 'auditor', canteenId: 'c1' },
        canteenRegistered: true,
        tokenHash: 'h',
      })
      .expectRefusal('invalid-body', 'canteenId');
  });

  it('refuses a canteen manager of an unknown canteen', () => {
    spec
      .given([])
      .when({
        userId: 'li',
        profile: { name: '李', role: 'canteen-manager', canteenId: 'nope' },
        canteenRegistered: false,
        tokenHash: 'h',
      })
      .expectRefusal('canteen-unknown', 'canteenId');
  });
});
