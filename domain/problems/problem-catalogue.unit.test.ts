import { describe, expect, it } from 'vitest';
import { Problem, problemBody, problemLanguage } from './problem.ts';
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
    const problem = problemFor(
      'forbidden',
      'a terminal reads its own offline copy only',
      {},
      { detail: '终端只能读取自己的脱机资料' },
    );
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

  it('words a problem in Chinese, a problem without Chinese words in English, with the same code and status', () => {
    const worded = problemFor('four-eyes', 'x closed it', {}, { detail: 'x 关账了该月' });
    expect(problemBody(worded, 'zh-CN')).toMatchObject({
      title: '结账人不能审批同一月结',
      detail: 'x 关账了该月',
    });
    expect(problemBody(worded, 'en')).toMatchObject({
      title: 'Closer cannot approve',
      detail: 'x closed it',
    });
    const english = new Problem(408, 'body-timeout', 'Body too slow', 'the body did not arrive within 10 s');
    expect(problemBody(english, 'zh-CN')).toMatchObject({
      title: 'Body too slow',
      detail: 'the body did not arrive within 10 s',
      status: 408,
      code: 'body-timeout',
    });
  });

  it('cannot be given a detail or refused fields in English alone', () => {
    // @ts-expect-error: a detail without its Chinese
    problemFor('forbidden', 'a terminal reads its own offline copy only');
    // @ts-expect-error: a detail without its Chinese
    problemFor('forbidden', 'a terminal reads its own offline copy only', {});
    const errors = [{ path: 'occurredAt', message: 'in the future' }];
    // @ts-expect-error: refused fields named in English only
    problemFor('clock-skew', 'occurredAt lies in the future', { errors }, { detail: '销售时间在未来' });
    const both = problemFor(
      'clock-skew',
      'occurredAt lies in the future',
      { errors },
      { detail: '销售时间在未来', extra: { errors: [{ path: 'occurredAt', message: '时间在未来' }] } },
    );
    expect(problemBody(both, 'zh-CN')).toMatchObject({
      detail: '销售时间在未来',
      errors: [{ path: 'occurredAt', message: '时间在未来' }],
    });
    expect(problemBody(both, 'en')).toMatchObject({ errors });
    expect(problemBody(problemFor('forbidden'), 'zh-CN')).not.toHaveProperty('detail');
  });

  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr, en;q=0.5', 'en'],
    ['en;q=0, zh', 'zh-CN'],
    ['zh;q=0.2, en-GB;q=0.8', 'en'],
    ['*', 'zh-CN'],
  ])('reads Accept-Language %j as %s', (header, language) => {
    expect(problemLanguage(header)).toBe(language);
  });
});
