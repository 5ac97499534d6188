import { describe, expect, test } from 'vitest';
import { createCardDebouncer, normaliseCardUid } from './card-reader.ts';
import { acceptsTaps, KeyboardReader, SimulatedReader } from './simulated-reader.ts';

describe('normaliseCardUid', () => {
  test('trims and upper-cases; blank is no card', () => {
    expect(normaliseCardUid('  card0001\t')).toBe('CARD0001');
    expect(normaliseCardUid('04a1b2c3d4')).toBe('04A1B2C3D4');
    expect(normaliseCardUid(' \r\n')).toBeNull();
  });
});

describe('debounce', () => {
  test('the same card within 1500 ms counts once; after that it counts again', () => {
    let now = 0;
    const isFresh = createCardDebouncer({ now: () => now });
    expect(isFresh('A')).toBe(true);
    now = 1499;
    expect(isFresh('A')).toBe(false);
    now = 1499 + 1500;
    expect(isFresh('A')).toBe(true);
  });

  test('a card left on the reader keeps counting once, however long it repeats', () => {
    let now = 0;
    const isFresh = createCardDebouncer({ now: () => now });
    expect(isFresh('A')).toBe(true);
    for (now = 500; now <= 10_000; now += 500) expect(isFresh('A')).toBe(false);
  });

  test('another card is not held back by the first', () => {
    let now = 0;
    const isFresh = createCardDebouncer({ debounceMs: 1000, now: () => now });
    expect(isFresh('A')).toBe(true);
    now = 10;
    expect(isFresh('B')).toBe(true);
    now = 20;
    expect(isFresh('A')).toBe(false);
  });
});

describe('SimulatedReader', () => {
  test('emits normalised taps once per debounce window, to each listener until it unsubscribes', async () => {
    let now = 0;
    const reader = new SimulatedReader({ now: () => now });
    const first: string[] = [];
    const second: string[] = [];
    const unsubscribe = reader.onCard((uid) => first.push(uid));
    reader.onCard((uid) => second.push(uid));
    await reader.start();

    reader.tap(' card0001 ');
    now = 300;
    reader.tap('CARD0001');
    reader.tap('card0002');
    unsubscribe();
    now = 2000;
    reader.tap('card0001');

    expect(first).toEqual(['CARD0001', 'CARD0002']);
    expect(second).toEqual(['CARD0001', 'CARD0002', 'CARD0001']);
  });

  test('reports its status and ignores taps while stopped', async () => {
    const reader = new SimulatedReader();
    const statuses: string[] = [];
    const cards: string[] = [];
    reader.onStatus((status) => statuses.push(status));
    reader.onCard((uid) => cards.push(uid));

    expect(reader.status()).toBe('disconnected');
    reader.tap('EARLY');
    await reader.start();
    expect(reader.status()).toBe('connected');
    reader.tap('DURING');
    await reader.stop();
    reader.tap('LATE');

    expect(statuses).toEqual(['connected', 'disconnected']);
    expect(cards).toEqual(['DURING']);
  });

  test('the keyboard reader takes taps the same way; acceptsTaps tells the server which readers do', async () => {
    const reader = new KeyboardReader();
    const cards: string[] = [];
    reader.onCard((uid) => cards.push(uid));
    await reader.start();
    if (!acceptsTaps(reader)) throw new Error('the keyboard reader must accept taps');
    reader.tap('ab12cd34');
    expect(cards).toEqual(['AB12CD34']);
    expect(reader.kind).toBe('keyboard');
  });
});
