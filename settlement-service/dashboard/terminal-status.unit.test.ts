import { describe, expect, it } from 'vitest';
import { hoursSinceContact, OFFLINE_AFTER_HOURS, terminalStatus } from './terminal-status.ts';

const NOW = Date.parse('2026-11-03T15:00:00+08:00');
const HOUR = 3_600_000;

describe('terminal status on the dashboard', () => {
  it.each([
    ['never heard from', { lastContactAt: null, queuedSales: 0 }, 'never-seen'],
    ['in touch a minute ago', { lastContactAt: NOW - 60_000, queuedSales: 0 }, 'ok'],
    [
      'in touch exactly at the limit',
      { lastContactAt: NOW - OFFLINE_AFTER_HOURS * HOUR, queuedSales: 0 },
      'ok',
    ],
    [
      'silent just past the limit',
      { lastContactAt: NOW - OFFLINE_AFTER_HOURS * HOUR - 1, queuedSales: 0 },
      'offline',
    ],
    ['holding sales it has not sent', { lastContactAt: NOW - 60_000, queuedSales: 3 }, 'queued'],
    ['silent and holding sales: offline first', { lastContactAt: NOW - 5 * HOUR, queuedSales: 3 }, 'offline'],
    ['a contact ahead of this clock', { lastContactAt: NOW + HOUR, queuedSales: 0 }, 'ok'],
  ] as const)('%s → %s', (_about, contact, expected) => {
    expect(terminalStatus(contact, NOW)).toBe(expected);
  });

  it('counts whole hours since the last contact, never below zero', () => {
    expect(hoursSinceContact(null, NOW)).toBeNull();
    expect(hoursSinceContact(NOW - 5 * HOUR - 59 * 60_000, NOW)).toBe(5);
    expect(hoursSinceContact(NOW + HOUR, NOW)).toBe(0);
  });
});
