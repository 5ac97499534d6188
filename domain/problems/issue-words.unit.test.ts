import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldWordsOf, issueWords } from './issue-words.ts';

/** The Chinese message for `value` refused by `schema` (the first issue). */
function zhOf(schema: z.ZodType, value: unknown): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a refusal');
  const [issue] = parsed.error.issues;
  if (!issue) throw new Error('a refusal without an issue');
  return issueWords(issue).zh;
}

describe("zod's refusals in Chinese", () => {
  it.each([
    ['an empty text', z.string().min(1), '', '不能为空'],
    ['a text too short', z.string().min(3), 'ab', '至少 3 个字符'],
    ['a text too long', z.string().max(30), 'x'.repeat(31), '最多 30 个字符'],
    ['a number too small', z.number().min(0), -1, '不能小于 0'],
    ['a number too large', z.number().int().max(100), 101, '不能大于 100'],
    ['a number not above a bound', z.number().positive(), 0, '应大于 0'],
    ['a fraction for an integer', z.number().int(), 1.5, '应为整数'],
    ['a text for a number', z.number(), '3', '应为数字'],
    ['a number for a text', z.string(), 3, '应为文字'],
    ['a number for a boolean', z.boolean(), 1, '应为布尔值(true 或 false)'],
    ['an object for an array', z.array(z.string()), {}, '应为数组'],
    ['a text for an object', z.object({}), 'x', '应为对象'],
    ['a field left out', z.object({ name: z.string() }), {}, '必填'],
    ['an empty list', z.array(z.string()).min(1), [], '至少要有一项'],
    ['a list too long', z.array(z.string()).max(2), ['a', 'b', 'c'], '最多 2 项'],
    [
      'a value not in an enum',
      z.enum(['dine-in', 'delivery']),
      'takeaway',
      '应为以下之一：dine-in、delivery',
    ],
    ['a value not the literal', z.literal(true), false, '应为 true'],
    ['a malformed UUID', z.uuid(), 'no', '应为 UUID'],
    ['a text not matching', z.string().regex(/^a/), 'b', '格式不对'],
    ['a multiple', z.number().multipleOf(5), 7, '应为 5 的倍数'],
    [
      'an unknown discriminator',
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('fixed') }),
        z.object({ kind: z.literal('percentOff') }),
      ]),
      { kind: 'free' },
      '应为以下之一：fixed、percentOff',
    ],
  ])('words %s naturally', (_what, schema, value, expected) => {
    const zh = zhOf(schema, value);
    expect(zh).toBe(expected);
    // No English type names or zod's own phrasing left in.
    expect(zh).not.toMatch(/expected|Invalid|string|number|\bint\b|数值过小|期望/);
  });

  it("keeps zod's English, and the schema's own message beside its Chinese", () => {
    const parsed = z.strictObject({ id: z.string().regex(/^a/, 'must start with a') }).safeParse({ id: 'b' });
    expect(parsed.success).toBe(false);
    const [issue] = parsed.error?.issues ?? [];
    if (!issue) throw new Error('no issue');
    // A message the table does not know stays English in both: better than a wrong translation.
    expect(issueWords(issue)).toEqual({ en: 'must start with a', zh: 'must start with a' });
    const month = z
      .string()
      .refine(() => false, 'expected a month YYYY-MM')
      .safeParse('x');
    expect(month.error?.issues.map(issueWords)).toEqual([
      { en: 'expected a month YYYY-MM', zh: '应为月份 YYYY-MM' },
    ]);
  });

  it('takes the Chinese a custom issue carries', () => {
    const schema = z.array(z.number()).superRefine((shares, ctx) => {
      const total = shares.reduce((sum, share) => sum + share, 0);
      ctx.addIssue({ code: 'custom', message: `sum ${total}`, params: { zh: `合计 ${total}` } });
    });
    expect(schema.safeParse([1, 2]).error?.issues.map(issueWords)).toEqual([{ en: 'sum 3', zh: '合计 3' }]);
  });
});

describe('the refused fields of a zod error', () => {
  const schema = z.strictObject({
    items: z.array(z.strictObject({ itemId: z.string(), qty: z.number().int().min(1).max(100) })),
    name: z.string().trim().min(1),
  });

  it("names each field once, with the schema's own bound rather than the safe integer range", () => {
    const parsed = schema.safeParse({ items: [{ itemId: 'a', qty: 1e300 }], name: '' });
    expect(parsed.error?.issues.filter((issue) => issue.path.join('.') === 'items.0.qty')).toHaveLength(2);
    expect(fieldWordsOf(parsed.error?.issues ?? [])).toEqual([
      { path: 'items[0].qty', message: 'Too big: expected number to be <=100', messageZh: '不能大于 100' },
      { path: 'name', message: 'Too small: expected string to have >=1 characters', messageZh: '不能为空' },
    ]);
  });

  it('names each unknown field itself', () => {
    const parsed = schema.safeParse({ items: [{ itemId: 'a', qty: 1, qtty: 2 }], name: 'x', extra: 1 });
    expect(fieldWordsOf(parsed.error?.issues ?? [])).toEqual([
      { path: 'items[0].qtty', message: 'unknown field', messageZh: '未知字段' },
      { path: 'extra', message: 'unknown field', messageZh: '未知字段' },
    ]);
  });
});
