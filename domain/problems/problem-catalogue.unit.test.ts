import { describe, expect, it } from 'vitest';
import { Problem, problemBody } from './problem.ts';
import { isProblemCode, PROBLEM_CATALOGUE, problemFor, problemTitles } from './problem-catalogue.ts';

describe('the problem catalogue', () => {
  it('gives every code a status, a title and a Chinese title', () => {
    for (const [code, kind] of Object.entries(PROBLEM_CATALOGUE)) {
      expect(kind.status, code).toBeGreaterThanOrEqual(400);
      expect(kind.status, code).toBeLessThan(600);
      expect(kind.title, code).not.toBe('');
      expect(kind.titleZh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('builds a problem with the status and title of its code', () => {
    const problem = problemFor('forbidden', 'a terminal reads its own offline copy only');
    expect(problem).toBeInstanceOf(Problem);
    expect(problemBody(problem)).toEqual({
      type: 'https://zhucan.invalid/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'a terminal reads its own offline copy only',
      code: 'forbidden',
    });
  });

  it('knows only its own codes, not what every object has', () => {
    expect(isProblemCode('clock-skew')).toBe(true);
    expect(isProblemCode('toString')).toBe(false);
    expect(problemTitles('clock-skew')).toEqual({ zh: '终端时钟不准', en: 'Clock off' });
    expect(problemTitles('something-new')).toEqual({ zh: 'something-new', en: 'something-new' });
  });
});
