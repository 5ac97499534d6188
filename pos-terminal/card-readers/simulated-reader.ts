import { BaseCardReader, type CardReader } from './card-reader.ts';

/** A reader fed by code: `tap()` from a demo panel, a test, or cards the cashier page detected. */
abstract class TapReader extends BaseCardReader {
  #running = false;

  async start(): Promise<void> {
    this.#running = true;
    this.setStatus('connected');
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.setStatus('disconnected');
  }

  /** Ignored while the reader is stopped, like a real reader that is switched off. */
  tap(cardUid: string): void {
    if (this.#running) this.emitCard(cardUid);
  }
}

export class SimulatedReader extends TapReader {
  readonly kind = 'simulated';
  readonly description = 'simulated reader';
}

/** A keyboard-wedge reader: the cashier page detects the card (keyboard-wedge.js) and forwards it. */
export class KeyboardReader extends TapReader {
  readonly kind = 'keyboard';
  readonly description = 'keyboard-wedge reader (cards typed into the cashier page)';
}

/** For the terminal server: a reader it can forward the page's cards (or the demo panel's taps) into. */
export function acceptsTaps(reader: CardReader): reader is CardReader & { tap(cardUid: string): void } {
  return reader instanceof TapReader;
}
