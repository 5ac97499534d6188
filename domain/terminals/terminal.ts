import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';

export const terminalStream = (terminalId: string) => `terminal-${terminalId}`;

/**
 * 收银终端: a counter terminal acts for one canteen with its own credential. Moving it to another
 * canteen starts a new generation, whose token replaces the old one.
 */
export type TerminalEvent = {
  readonly type: 'TerminalRegistered';
  readonly data: {
    readonly terminalId: string;
    readonly canteenId: string;
    readonly generation: number;
    /** SHA-256 of the bearer token; the token itself is never stored. */
    readonly tokenHash: string;
  };
};

export type TerminalState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly terminalId: string;
      readonly canteenId: string;
      readonly generation: number;
      readonly tokenHash: string;
    };

export interface RegisterTerminal {
  readonly terminalId: string;
  readonly canteenId: string;
  readonly canteenRegistered: boolean;
  /** The hash of the token for `nextGeneration(state, canteenId)`. */
  readonly tokenHash: string;
}

/** The generation a registration for `canteenId` has: the current one again, or the next. */
export function nextGeneration(state: TerminalState, canteenId: string): number {
  if (state.status === 'unregistered') return 1;
  return state.canteenId === canteenId ? state.generation : state.generation + 1;
}

export const terminal: Decider<RegisterTerminal, TerminalEvent, TerminalState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    if (!command.canteenRegistered) {
      throw new DomainError(
        'not-allowed',
        'canteen-unknown',
        `canteen ${command.canteenId} is not registered`,
        'canteenId',
      );
    }
    if (state.status === 'registered' && state.canteenId === command.canteenId) return [];
    return [
      {
        type: 'TerminalRegistered',
        data: {
          terminalId: command.terminalId,
          canteenId: command.canteenId,
          generation: nextGeneration(state, command.canteenId),
          tokenHash: command.tokenHash,
        },
      },
    ];
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'TerminalRegistered':
        return { status: 'registered', ...event.data };
      default: {
        const _exhaustive: never = event.type;
        return _exhaustive;
      }
    }
  },
};
