import { describe, expect, test } from 'vitest';
import { createLineParser, createLineSplitter } from './serial-line-format.ts';

describe('line splitter', () => {
  test('by default ends lines at \\r\\n, \\n or \\r, also across chunks, and drops blank lines', () => {
    const split = createLineSplitter();
    expect(split('AAAA\r\nBB')).toEqual(['AAAA']);
    expect(split('BB\r')).toEqual(['BBBB']);
    expect(split('\nCCCC\nDDDD\r')).toEqual(['CCCC', 'DDDD']);
    expect(split('EEEE')).toEqual([]);
    expect(split('\n')).toEqual(['EEEE']);
  });

  test('a custom delimiter', () => {
    const split = createLineSplitter('\u0003');
    expect(split('\u0002AAAA\u0003\u0002BB')).toEqual(['\u0002AAAA']);
    expect(split('BB\u0003')).toEqual(['\u0002BBBB']);
  });
});

describe('line parser', () => {
  test('by default the whole trimmed line', () => {
    expect(createLineParser()('  04A1B2C3 ')).toBe('04A1B2C3');
    expect(createLineParser()('   ')).toBeNull();
  });

  test('a pattern picks the uid group; lines that do not match hold no card', () => {
    const parse = createLineParser({ pattern: '^ID:(?<uid>[0-9A-F]+);' });
    expect(parse('ID:04A1B2C3;RSSI=40')).toBe('04A1B2C3');
    expect(parse('READY')).toBeNull();
  });

  test('decimal to hex, padded to the 8 digits of a 4-byte UID', () => {
    const parse = createLineParser({ encoding: 'decimal-to-hex' });
    expect(parse('0305419896')).toBe('12345678');
    expect(parse('0000000255')).toBe('000000FF');
    expect(parse('4294967295')).toBe('FFFFFFFF');
    expect(parse('12AB')).toBeNull();
  });

  test('hex to decimal, padded to 10 digits', () => {
    const parse = createLineParser({ encoding: 'hex-to-decimal' });
    expect(parse('12345678')).toBe('0305419896');
    expect(parse('0xff')).toBe('0000000255');
    expect(parse('ffffffff')).toBe('4294967295');
    expect(parse('XYZ')).toBeNull();
  });

  test('pattern and encoding together', () => {
    const parse = createLineParser({ pattern: 'card=(?<uid>\\d+)', encoding: 'decimal-to-hex' });
    expect(parse('[R1] card=0305419896 ok')).toBe('12345678');
  });

  test('a pattern without a uid group, or not a regular expression, is refused', () => {
    expect(() => createLineParser({ pattern: '(\\d+)' })).toThrow(/named group/);
    expect(() => createLineParser({ pattern: '(?<uid>[' })).toThrow(/not a regular expression/);
  });
});
