export type ReaderStatus = 'connected' | 'disconnected';

export interface CardReader {
  readonly kind: 'simulated' | 'serial' | 'pcsc' | 'keyboard';
  readonly description: string;
  /** Begins reading. A reader whose device is missing starts 'disconnected' and keeps trying to reconnect. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ReaderStatus;
  /** Normalised card UIDs, each tap once. Returns the unsubscribe function. */
  onCard(listener: (cardUid: string) => void): () => void;
  onStatus(listener: (status: ReaderStatus) => void): () => void;
}

/** Cards are registered trimmed and upper case; readers differ in what they print around the UID. */
export function normaliseCardUid(raw: string): string | null {
  const uid = raw.trim().toUpperCase();
  return uid === '' ? null : uid;
}

export const DEFAULT_DEBOUNCE_MS = 1500;

export interface DebounceOptions {
  debounceMs?: number;
  /** Milliseconds from a monotonic clock; injected by tests. */
  now?: () => number;
}

/**
 * Readers repeat a tap while the card lies on them. A read of the card seen less than `debounceMs`
 * ago is dropped, and it restarts the window, so a card left on the reader still counts once.
 */
export function createCardDebouncer(options: DebounceOptions = {}): (cardUid: string) => boolean {
  const windowMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  // Monotonic, so that the wall clock being set (NTP, the cashier) cannot swallow or double a tap.
  const now = options.now ?? (() => performance.now());
  const lastSeen = new Map<string, number>();
  return (cardUid) => {
    const at = now();
    for (const [uid, seenAt] of lastSeen) if (at - seenAt >= windowMs) lastSeen.delete(uid);
    const fresh = !lastSeen.has(cardUid);
    lastSeen.set(cardUid, at);
    return fresh;
  };
}

/** Listener bookkeeping, normalisation and the debounce, shared by every reader. */
export abstract class BaseCardReader implements CardReader {
  abstract readonly kind: CardReader['kind'];
  abstract readonly description: string;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  readonly #cardListeners = new Set<(cardUid: string) => void>();
  readonly #statusListeners = new Set<(status: ReaderStatus) => void>();
  readonly #isFresh: (cardUid: string) => boolean;
  #status: ReaderStatus = 'disconnected';

  constructor(options: DebounceOptions = {}) {
    this.#isFresh = createCardDebouncer(options);
  }

  status(): ReaderStatus {
    return this.#status;
  }

  onCard(listener: (cardUid: string) => void): () => void {
    this.#cardListeners.add(listener);
    return () => this.#cardListeners.delete(listener);
  }

  onStatus(listener: (status: ReaderStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  protected emitCard(raw: string): void {
    const uid = normaliseCardUid(raw);
    if (uid === null || !this.#isFresh(uid)) return;
    for (const listener of [...this.#cardListeners]) listener(uid);
  }

  protected setStatus(status: ReaderStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}
