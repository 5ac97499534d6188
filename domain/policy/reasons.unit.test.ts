import { describe, expect, it } from 'vitest';
import { NEUTRAL_REASON, reasonForTheElder, SUBSIDY_REASON_CODES, SUBSIDY_REASON_TEXT } from './reasons.ts';

describe('what the elder reads of a reason', () => {
  it('is the reason when it is about the meal or the caps', () => {
    expect(reasonForTheElder('cap-day')).toEqual(SUBSIDY_REASON_TEXT['cap-day']);
    expect(reasonForTheElder('outside-periods')).toEqual(SUBSIDY_REASON_TEXT['outside-periods']);
  });

  it('is a neutral sentence when it is about the person, or unknown', () => {
    for (const code of ['elder-deceased', 'card-retired', 'not-eligible', 'outside-locality', 'out-of-scope'])
      expect(reasonForTheElder(code)).toEqual(NEUTRAL_REASON);
    expect(reasonForTheElder('card-not-in-copy')).toEqual(NEUTRAL_REASON);
  });

  it('never carries the words of a personal reason', () => {
    const personal = ['elder-deceased', 'card-retired', 'not-eligible'] as const;
    for (const code of SUBSIDY_REASON_CODES) {
      const read = reasonForTheElder(code).zh;
      for (const other of personal) if (code !== other) expect(read).not.toBe(SUBSIDY_REASON_TEXT[other].zh);
    }
  });
});
