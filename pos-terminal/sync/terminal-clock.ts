import { performance } from 'node:perf_hooks';

/**
 * How far the counter PC's clock may be from the service's before the terminal stops trusting it.
 * Well inside the service's own allowance (5 minutes, `clock-skew`), and far above the error of the
 * measurement (the `Date` header counts whole seconds).
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** What the counter shows about its clock. */
export interface ClockState {
  /** Whether the service's clock was heard since the terminal started. */
  readonly checked: boolean;
  /** The service's clock minus this PC's, as last measured (ms); null when not checked. */
  readonly offsetMs: number | null;
  /** The PC's clock is off beyond the tolerance: sale times come from the service's clock instead. */
  readonly corrected: boolean;
}

/**
 * 终端时钟: the time the counter stamps on its sales. Every answer of the service carries its clock
 * (the HTTP `Date` header); the terminal keeps the last one with the moment it arrived on the
 * process's monotonic clock, which a change of the PC's clock does not move. While the PC's clock
 * is within the tolerance of the service's, sales carry the PC's time; beyond it, the service's time
 * as carried forward from that answer, online and offline alike, and the counter says the PC's clock
 * needs setting. Before the service has been heard (a start without network) the PC's clock is all
 * there is: such sales are marked unchecked, and are sent with that clock's own reading, so the
 * service refuses them (`clock-skew`) if it is off.
 */
export class TerminalClock {
  private anchor: { readonly serviceMs: number; readonly monotonicMs: number } | null = null;

  constructor(
    /** The PC's clock. */
    readonly local: () => number = Date.now,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /** The service's clock from an answer; `sentAt`/`receivedAt` on the monotonic clock. */
  observe(serviceMs: number, sentAtMonotonic: number, receivedAtMonotonic: number): void {
    if (!Number.isFinite(serviceMs)) return;
    // The header is the second the answer was written, somewhere in the round trip: take its middle.
    this.anchor = {
      serviceMs: serviceMs + 500,
      monotonicMs: (sentAtMonotonic + receivedAtMonotonic) / 2,
    };
  }

  /** The `Date` header of an answer, if it has one. */
  observeAnswer(dateHeader: string | null, sentAtMonotonic: number): void {
    if (dateHeader) this.observe(Date.parse(dateHeader), sentAtMonotonic, this.monotonic());
  }

  monotonicNow(): number {
    return this.monotonic();
  }

  /** The service's time now as carried forward from its last answer; null before any. */
  serviceNow(): number | null {
    return this.anchor ? this.anchor.serviceMs + (this.monotonic() - this.anchor.monotonicMs) : null;
  }

  state(): ClockState {
    const service = this.serviceNow();
    if (service === null) return { checked: false, offsetMs: null, corrected: false };
    const offsetMs = Math.round(service - this.local());
    return { checked: true, offsetMs, corrected: Math.abs(offsetMs) > CLOCK_TOLERANCE_MS };
  }

  /** The time to stamp on a sale (and everything else the counter times). */
  now(): number {
    const service = this.serviceNow();
    const local = this.local();
    return service !== null && Math.abs(service - local) > CLOCK_TOLERANCE_MS ? Math.round(service) : local;
  }
}
