import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redaction.ts';

describe('redactSecrets', () => {
  it('masks ID numbers wherever they stand, as clerks see them', () => {
    expect(redactSecrets("Failed to decode param '11010519381102457X%E0'")).toBe(
      "Failed to decode param '1101**********457X%E0'",
    );
    expect(redactSecrets('elder E110105193811024572 and 110105381102457')).toBe(
      'elder E1101**********4572 and ***************',
    );
  });

  it('leaves other numbers alone', () => {
    expect(redactSecrets('events behind 1000000 at 2026-10-08T12:00:00+08:00, position 1234567:89')).toBe(
      'events behind 1000000 at 2026-10-08T12:00:00+08:00, position 1234567:89',
    );
    expect(redactSecrets('a run of 20 digits 12345678901234567890')).toBe(
      'a run of 20 digits 12345678901234567890',
    );
  });

  it('replaces tokens but keeps whose they are', () => {
    expect(redactSecrets('token zt_3f9a0b1c2d3e4f5a6b7c.counter-1 refused')).toBe(
      'token zt_[redacted].counter-1 refused',
    );
    expect(redactSecrets('admin za_Ab-_0123456789xyz')).toBe('admin za_[redacted]');
    expect(redactSecrets('authorization: Bearer abc.def, Basic dXNlcjpwYXNz')).toBe(
      'authorization: Bearer [redacted], Basic [redacted]',
    );
  });

  it('replaces PINs named as PINs', () => {
    expect(redactSecrets('{"pin":"2468","managerPin": "9753"} PIN 1234 pin=8888')).toBe(
      '{"pin":"[redacted]","managerPin": "[redacted]"} PIN [redacted] pin=[redacted]',
    );
    expect(redactSecrets('Wrong PIN')).toBe('Wrong PIN');
  });

  it('removes known secrets of any shape', () => {
    expect(redactSecrets('key deadbeefcafe0123 in use', ['deadbeefcafe0123', 'short'])).toBe(
      'key [redacted] in use',
    );
  });
});
