import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';

export const userStream = (userId: string) => `user-${userId}`;

/**
 * 用户角色: a bureau admin does everything; a reviewer reviews and approves settlements; an auditor
 * reads settlements, statements and alerts; a canteen manager reads its own canteen's statements.
 */
export const USER_ROLES = ['admin', 'reviewer', 'auditor', 'canteen-manager'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UserProfile {
  readonly name: string;
  readonly role: UserRole;
  /** The canteen a canteen manager acts for; null for bureau roles. */
  readonly canteenId: string | null;
}

export type UserEvent = {
  readonly type: 'UserRegistered';
  readonly data: UserProfile & {
    readonly userId: string;
    /** Raised on every change: the token of an earlier generation stops working. */
    readonly generation: number;
    /** SHA-256 of the bearer token; the token itself is never stored. */
    readonly tokenHash: string;
  };
};

export type UserState =
  | { readonly status: 'unregistered' }
  | ({ readonly status: 'registered' } & UserEvent['data']);

export interface RegisterUser {
  readonly userId: string;
  readonly profile: UserProfile;
  readonly canteenRegistered: boolean;
  /** The hash of the token for `nextUserGeneration(state, profile)`. */
  readonly tokenHash: string;
}

const sameProfile = (state: UserState, profile: UserProfile) =>
  state.status === 'registered' &&
  state.name === profile.name &&
  state.role === profile.role &&
  state.canteenId === profile.canteenId;

/** The generation a registration of `profile` has: the current one again, or the next. */
export function nextUserGeneration(state: UserState, profile: UserProfile): number {
  if (state.status === 'unregistered') return 1;
  return sameProfile(state, profile) ? state.generation : state.generation + 1;
}

/** 用户: a named person of the bureau or a canteen, with one role and one credential. */
export const bureauUser: Decider<RegisterUser, UserEvent, UserState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    const { profile } = command;
    if ((profile.role === 'canteen-manager') !== (profile.canteenId !== null)) {
      throw new DomainError(
        'invalid',
        'invalid-body',
        {
          en: 'a canteen manager, and only one, names a canteen',
          zh: '只有食堂管理员须指定食堂(canteenId)，其他角色不能指定',
        },
        'canteenId',
      );
    }
    if (profile.canteenId !== null && !command.canteenRegistered) {
      throw new DomainError(
        'not-allowed',
        'canteen-unknown',
        { en: `canteen ${profile.canteenId} is not registered`, zh: `食堂 ${profile.canteenId} 未登记` },
        'canteenId',
      );
    }
    if (sameProfile(state, profile)) return [];
    return [
      {
        type: 'UserRegistered',
        data: {
          userId: command.userId,
          ...profile,
          generation: nextUserGeneration(state, profile),
          tokenHash: command.tokenHash,
        },
      },
    ];
  },
  evolve(_state, event) {
    return { status: 'registered', ...event.data };
  },
};
