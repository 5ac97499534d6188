/**
 * An aggregate as pure functions: `decide` turns a command and the current state into new events (or
 * throws a `DomainError`), `evolve` folds one event into the state. No I/O, no clock: time comes in
 * with the command.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export function stateFrom<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}
