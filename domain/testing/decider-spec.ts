import { expect } from 'vitest';
import { type Decider, stateFrom } from '../decider.ts';
import { DomainError } from '../domain-error.ts';

/** Given events, when a command, expect events (or a refusal with its code): the shape of every decider test. */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (events: readonly Event[]) => ({
      when: (command: Command) => {
        const decide = () => decider.decide(command, stateFrom(decider, events));
        return {
          expect: (expected: readonly Event[]) => expect(decide()).toEqual(expected),
          expectRefusal: (code: string, field?: string) => {
            let refusal: unknown;
            try {
              decide();
            } catch (error) {
              refusal = error;
            }
            expect(refusal).toBeInstanceOf(DomainError);
            expect(refusal).toMatchObject(field === undefined ? { code } : { code, field });
          },
        };
      },
    }),
  };
}
