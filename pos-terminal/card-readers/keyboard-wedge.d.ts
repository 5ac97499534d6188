export interface WedgeDetectorOptions {
  /** Longest pause between two keys of one reader burst. Default 35 ms. */
  maxGapMs?: number;
  /** Shortest card number. Default 4. */
  minLength?: number;
}

export interface WedgeDetector {
  /** Feeds one `KeyboardEvent.key` at a time in ms; answers the card when a burst ends with Enter. */
  key(key: string, atMs: number): { card: string } | null;
  reset(): void;
}

export function createWedgeDetector(options?: WedgeDetectorOptions): WedgeDetector;
