// Plain ES module JavaScript so that the cashier page loads this very file in the browser and Node
// tests import it unchanged. Types are in keyboard-wedge.d.ts.

/** Keys a reader may send inside a burst without meaning anything (it holds Shift for letters). */
const IGNORED_KEYS = new Set(['Shift', 'CapsLock']);

/**
 * Tells a keyboard-wedge reader from a person by timing. A reader types the card number with every
 * key within `maxGapMs` of the previous one and then Enter; a person is much slower. The detector
 * only watches keys: it never decides to drop one, so normal typing keeps working.
 *
 * @param {{ maxGapMs?: number, minLength?: number }} [options]
 * @returns {{ key(key: string, atMs: number): { card: string } | null, reset(): void }}
 */
export function createWedgeDetector(options = {}) {
  const maxGapMs = options.maxGapMs ?? 35;
  const minLength = options.minLength ?? 4;
  let burst = '';
  let lastAtMs = Number.NEGATIVE_INFINITY;

  function reset() {
    burst = '';
    lastAtMs = Number.NEGATIVE_INFINITY;
  }

  /**
   * @param {string} key `KeyboardEvent.key`
   * @param {number} atMs `KeyboardEvent.timeStamp` or `performance.now()`
   */
  function key(key, atMs) {
    if (IGNORED_KEYS.has(key)) return null;
    const quick = atMs - lastAtMs <= maxGapMs;
    if (key === 'Enter') {
      const card = quick && burst.length >= minLength ? burst : null;
      reset();
      return card === null ? null : { card };
    }
    if (key.length !== 1) {
      // Backspace, Tab, arrows…: a person editing, not a reader.
      reset();
      return null;
    }
    burst = quick ? burst + key : key;
    lastAtMs = atMs;
    return null;
  }

  return { key, reset };
}
