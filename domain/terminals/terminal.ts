import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';

export const terminalStream = (terminalId: string) => `terminal-${terminalId}`;

/**
 * 收银终端: a counter terminal acts for one canteen with its own credential. Moving it to another
 * canteen starts a new generation, whose token replaces the old one; so does a rotation of its token
 * (a token lost or seen by someone else), which keeps the canteen.
 */
export type TerminalEvent =
  | {
      readonly type: 'TerminalRegistered';
      readonly data: {
        readonly terminalId: string;
        readonly canteenId: string;
        readonly generation: number;
        /** SHA-256 of the bearer token; the token itself is never stored. */
        readonly tokenHash: string;
      };
    }
  | {
      readonly type: 'TerminalTokenRotated';
      readonly data: {
        readonly terminalId: string;
        readonly canteenId: string;
        /** The new generation: the previous generation's token stops working. */
        readonly generation: number;
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
  readonly type: 'RegisterTerminal';
  readonly terminalId: string;
  readonly canteenId: string;
  readonly canteenRegistered: boolean;
  /** The hash of the token for `nextGeneration(state, canteenId)`. */
  readonly tokenHash: string;
}

export interface RotateTerminalToken {
  readonly type: 'RotateTerminalToken';
  readonly terminalId: string;
  /** The hash of the token for `rotatedGeneration(state)`. */
  readonly tokenHash: string;
}

export type TerminalCommand = RegisterTerminal | RotateTerminalToken;

/** The generation a registration for `canteenId` has: the current one again, or the next. */
export function nextGeneration(state: TerminalState, canteenId: string): number {
  if (state.status === 'unregistered') return 1;
  return state.canteenId === canteenId ? state.generation : state.generation + 1;
}

/** The generation a rotation gives a registered terminal: the next one, for the same canteen. */
export function rotatedGeneration(state: TerminalState): number {
  if (state.status === 'unregistered') throw unknownTerminal('');
  return state.generation + 1;
}

function unknownTerminal(terminalId: string): DomainError {
  return new DomainError('not-found', 'not-found', {
    en: `terminal ${terminalId} is not registered`,
    zh: `终端 ${terminalId} 未登记`,
  });
}

export const terminal: Decider<TerminalCommand, TerminalEvent, TerminalState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterTerminal': {
        if (!command.canteenRegistered) {
          throw new DomainError(
            'not-allowed',
            'canteen-unknown',
            { en: `canteen ${command.canteenId} is not registered`, zh: `食堂 ${command.canteenId} 未登记` },
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
      }
      case 'RotateTerminalToken': {
        if (state.status !== 'registered') throw unknownTerminal(command.terminalId);
        return [
          {
            type: 'TerminalTokenRotated',
            data: {
              terminalId: command.terminalId,
              canteenId: state.canteenId,
              generation: rotatedGeneration(state),
              tokenHash: command.tokenHash,
            },
          },
        ];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TerminalRegistered':
        return { status: 'registered', ...event.data };
      case 'TerminalTokenRotated':
        if (state.status !== 'registered') return state;
        return { ...state, generation: event.data.generation, tokenHash: event.data.tokenHash };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};
