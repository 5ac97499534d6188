import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type TerminalEvent, terminal } from './terminal.ts';

const spec = deciderSpec(terminal);
const registered = (canteenId: string, generation: number, tokenHash: string): TerminalEvent => ({
  type: 'TerminalRegistered',
  data: { terminalId: 't1', canteenId, generation, tokenHash },
});

describe('terminal', () => {
  it('registers a terminal for a registered canteen', () => {
    spec
      .given([])
      .when({
        type: 'RegisterTerminal',
        terminalId: 't1',
        canteenId: 'c1',
        canteenRegistered: true,
        tokenHash: 'h1',
      })
      .expect([registered('c1', 1, 'h1')]);
  });

  it('records nothing when registered for the same canteen again (the same token is derived)', () => {
    spec
      .given([registered('c1', 1, 'h1')])
      .when({
        type: 'RegisterTerminal',
        terminalId: 't1',
        canteenId: 'c1',
        canteenRegistered: true,
        tokenHash: 'h1',
      })
      .expect([]);
  });

  it('moves to another canteen under a new generation, whose token replaces the old one', () => {
    spec
      .given([registered('c1', 1, 'h1')])
      .when({
        type: 'RegisterTerminal',
        terminalId: 't1',
        canteenId: 'c2',
        canteenRegistered: true,
        tokenHash: 'h2',
      })
      .expect([registered('c2', 2, 'h2')]);
  });

  it('refuses an unknown canteen', () => {
    spec
      .given([])
      .when({
        type: 'RegisterTerminal',
        terminalId: 't1',
        canteenId: 'nowhere',
        canteenRegistered: false,
        tokenHash: 'h',
      })
      .expectRefusal('canteen-unknown', 'canteenId');
  });

  it('rotates the token of a registered terminal: a new generation for the same canteen', () => {
    spec
      .given([registered('c1', 1, 'h1')])
      .when({ type: 'RotateTerminalToken', terminalId: 't1', tokenHash: 'h2' })
      .expect([
        {
          type: 'TerminalTokenRotated',
          data: { terminalId: 't1', canteenId: 'c1', generation: 2, tokenHash: 'h2' },
        },
      ]);
  });

  it('registers again for the same canteen after a rotation without a new generation', () => {
    spec
      .given([
        registered('c1', 1, 'h1'),
        {
          type: 'TerminalTokenRotated',
          data: { terminalId: 't1', canteenId: 'c1', generation: 2, tokenHash: 'h2' },
        },
      ])
      .when({
        type: 'RegisterTerminal',
        terminalId: 't1',
        canteenId: 'c1',
        canteenRegistered: true,
        tokenHash: 'h2',
      })
      .expect([]);
  });

  it('refuses to rotate the token of a terminal never registered', () => {
    spec
      .given([])
      .when({ type: 'RotateTerminalToken', terminalId: 't9', tokenHash: 'h' })
      .expectRefusal('not-found');
  });
});
