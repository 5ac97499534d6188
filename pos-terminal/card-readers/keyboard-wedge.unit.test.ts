import { describe, expect, test } from 'vitest';
import { createWedgeDetector } from './keyboard-wedge.js';

/** Feeds `text` then Enter, one key every `gapMs`; answers what each key returned that was not null. */
function type(detector: ReturnType<typeof createWedgeDetector>, text: string, gapMs: number, startMs = 1000) {
  const results: { card: string }[] = [];
  let at = startMs;
  for (const key of [...text, 'Enter']) {
    const result = detector.key(key, at);
    if (result !== null) results.push(result);
    at += gapMs;
  }
  return results;
}

describe('keyboard-wedge detector', () => {
  test('a fast burst ended by Enter is a card', () => {
    expect(type(createWedgeDetector(), '0012345678', 8)).toEqual([{ card: '0012345678' }]);
  });

  test('a person typing at 150 ms a key is not a card', () => {
    expect(type(createWedgeDetector(), '0012345678', 150)).toEqual([]);
  });

  test('gaps of exactly maxGapMs still count as a burst; one more millisecond does not', () => {
    expect(type(createWedgeDetector({ maxGapMs: 20 }), 'ABCD', 20)).toEqual([{ card: 'ABCD' }]);
    expect(type(createWedgeDetector({ maxGapMs: 20 }), 'ABCD', 21)).toEqual([]);
  });

  test('a pause in the middle starts the burst again, so only the part after it is a card', () => {
    const detector = createWedgeDetector();
    for (const [i, key] of [...'1234'].entries()) expect(detector.key(key, 100 + i * 10)).toBeNull();
    // 500 ms later: what was typed before the pause does not belong to this burst.
    expect(type(detector, '5678', 10, 630)).toEqual([{ card: '5678' }]);
  });

  test('a pause before Enter is a person pressing Enter, not a card', () => {
    const detector = createWedgeDetector();
    for (const [i, key] of [...'12345678'].entries()) detector.key(key, i * 10);
    expect(detector.key('Enter', 70 + 400)).toBeNull();
  });

  test('a burst shorter than minLength is not a card', () => {
    expect(type(createWedgeDetector(), 'ABC', 5)).toEqual([]);
    expect(type(createWedgeDetector({ minLength: 3 }), 'ABC', 5)).toEqual([{ card: 'ABC' }]);
  });

  test('Shift inside a burst is ignored; editing keys break it', () => {
    const shifted = createWedgeDetector();
    const keys = ['Shift', 'A', 'Shift', 'B', '1', '2', 'Enter'];
    expect(keys.map((key, i) => shifted.key(key, i * 5)).filter((r) => r !== null)).toEqual([
      { card: 'AB12' },
    ]);

    const edited = createWedgeDetector();
    const keys2 = ['1', '2', 'Backspace', '3', '4', 'Enter'];
    expect(keys2.map((key, i) => edited.key(key, i * 5)).filter((r) => r !== null)).toEqual([]);
  });

  test('Enter alone, or a second Enter after a card, is not a card', () => {
    const detector = createWedgeDetector();
    expect(detector.key('Enter', 0)).toBeNull();
    expect(type(detector, 'CARD0001', 5, 10)).toEqual([{ card: 'CARD0001' }]);
    expect(detector.key('Enter', 60)).toBeNull();
  });

  test('reset() forgets a burst in progress', () => {
    const detector = createWedgeDetector();
    for (const [i, key] of [...'1234'].entries()) detector.key(key, i * 5);
    detector.reset();
    expect(detector.key('Enter', 25)).toBeNull();
  });
});
