import { z } from 'zod';

/** A refused field in both languages: `path` like `items[0].qty` (empty for the input as a whole). */
export interface FieldWords {
  readonly path: string;
  readonly message: string;
  readonly messageZh: string;
}

/** Renders a zod issue path the way people write field paths: `rules[0].funding`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

/**
 * The schemas' own English messages in Chinese. A message built with a value (a count, an id) carries
 * its Chinese in the issue's `params.zh` instead.
 */
const OWN_MESSAGES_ZH: Record<string, string> = {
  'expected an ISO 8601 instant with its offset':
    '应为带时区偏移的 ISO 8601 时间，例如 2026-10-08T11:40:00+08:00',
  'expected a real date YYYY-MM-DD': '应为真实存在的日期 YYYY-MM-DD',
  'expected a date YYYY-MM-DD': '应为日期 YYYY-MM-DD',
  'not a real calendar date': '不是真实存在的日期',
  'expected a month YYYY-MM': '应为月份 YYYY-MM',
  'YYYY-MM': '应为月份 YYYY-MM',
  'expected a time HH:MM': '应为时间 HH:MM',
  'expected HH:MM': '应为时间 HH:MM',
  'must be after from': '止日(to)须晚于起日(from)',
  'letters, digits and _ . : - only, at most 64 characters': '只能用字母、数字和 _ . : -，最多 64 个字符',
  'letters, digits, : and - only': '只能用字母、数字、: 和 -，最多 64 个字符',
  'a position such as 2361/830': '应为位置，例如 2361/830',
  'an offline sale says the subsidy it applied': '脱机销售须写明当时给的补贴(appliedSubsidyFen)',
  'only an offline sale carries an applied subsidy': '只有脱机销售才写当时给的补贴(appliedSubsidyFen)',
  'maxAge is below minAge': '最大年龄(maxAge)不能小于最小年龄(minAge)',
  'a funding part has exactly one of shareBp, fen or rest: true':
    '每个出资部分须有且只有 shareBp、fen、rest: true 之一',
  'a funding list has either shares or fixed parts, not both':
    '出资只能全按比例(shareBp)或全按定额，不能混用',
  'at most one funding part may be rest': '最多一个出资部分可为 rest',
  'effectiveTo must be after effectiveFrom': '止日(effectiveTo)须晚于起日(effectiveFrom)',
  'a policy cannot supersede itself': '政策不能取代自身',
  'unknown field': '未知字段',
};

const ENGLISH = z.locales.en().localeError;

/** zod's words without what it was given (an answered issue no longer carries the input). */
function withoutReceived(message: string): string {
  return message.replace(/, received .*$/, '');
}

function zodEnglish(issue: z.core.$ZodIssue): string | undefined {
  const said = ENGLISH(issue as unknown as Parameters<typeof ENGLISH>[0]);
  const text = typeof said === 'string' ? said : said?.message;
  return text === undefined ? undefined : withoutReceived(text);
}

const TYPE_ZH: Record<string, string> = {
  number: '数字',
  int: '整数',
  bigint: '整数',
  string: '文字',
  boolean: '布尔值(true 或 false)',
  array: '数组',
  object: '对象',
  date: '日期',
  null: 'null',
};

const FORMAT_ZH: Record<string, string> = {
  uuid: '应为 UUID',
  guid: '应为 UUID',
  email: '应为电子邮件地址',
  url: '应为网址',
  datetime: '应为带时区的日期时间',
  date: '应为日期 YYYY-MM-DD',
  time: '应为时间 HH:MM',
  regex: '格式不对',
};

function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? `应为 ${shown(values[0])}` : `应为以下之一：${values.map(shown).join('、')}`;
}

/** What zod says of an issue by its own words, in natural Chinese. */
function zodChinese(issue: z.core.$ZodIssue, english: string): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (/, received undefined$/.test(issue.message)) return '必填';
      const type = TYPE_ZH[issue.expected];
      return type === undefined ? '类型不对' : `应为${type}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      switch (issue.origin) {
        case 'string':
          return min <= 1 ? '不能为空' : `至少 ${min} 个字符`;
        case 'array':
        case 'set':
          return min <= 1 ? '至少要有一项' : `至少 ${min} 项`;
        default:
          return issue.inclusive === false ? `应大于 ${min}` : `不能小于 ${min}`;
      }
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      switch (issue.origin) {
        case 'string':
          return `最多 ${max} 个字符`;
        case 'array':
        case 'set':
          return `最多 ${max} 项`;
        default:
          return issue.inclusive === false ? `应小于 ${max}` : `不能大于 ${max}`;
      }
    }
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_format': {
      if (issue.format === 'starts_with' && 'prefix' in issue) return `应以 ${shown(issue.prefix)} 开头`;
      if (issue.format === 'ends_with' && 'suffix' in issue) return `应以 ${shown(issue.suffix)} 结尾`;
      if (issue.format === 'includes' && 'includes' in issue) return `应包含 ${shown(issue.includes)}`;
      return FORMAT_ZH[issue.format] ?? `格式不对，应为 ${issue.format}`;
    }
    case 'not_multiple_of':
      return `应为 ${shown(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return '未知字段';
    case 'invalid_union': {
      const options = (issue as { options?: unknown }).options;
      return Array.isArray(options) ? oneOf(options) : '不符合任何一种允许的格式';
    }
    case 'invalid_key':
      return '键名有误';
    case 'invalid_element':
      return '其中的值有误';
    default:
      return english;
  }
}

/**
 * An issue's words in both languages. English: the schema's message, or zod's.
 * Chinese: the issue's `params.zh`, else the schema's own message from the table above, else zod's
 * words in Chinese when the schema left zod's; English as a last resort.
 */
export function issueWords(issue: z.core.$ZodIssue): { readonly en: string; readonly zh: string } {
  const en = issue.message;
  const params = (issue as { params?: { zh?: unknown } }).params;
  if (typeof params?.zh === 'string') return { en, zh: params.zh };
  const own = OWN_MESSAGES_ZH[issue.message];
  if (own !== undefined) return { en, zh: own };
  if (issue.code !== 'custom' && zodEnglish(issue) === withoutReceived(en))
    return { en, zh: zodChinese(issue, en) };
  return { en, zh: en };
}

/** The Chinese for one of the schemas' own English messages, if the table has it. */
export function ownMessageZh(message: string): string | undefined {
  return OWN_MESSAGES_ZH[message];
}

/*
 * zod checks a number against the safe integer range and then against the schema's own bounds:
 * `qty: 1e300` fails both. The schema's bound is the one a person needs.
 */
function isSafeIntegerBound(issue: z.core.$ZodIssue): boolean {
  return (issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'int';
}

/**
 * The refused fields of a zod error, each named once with the one message that helps most: an unknown
 * field is named itself (`items[0].qtty`), so that the answer points at the misspelling.
 */
export function fieldWordsOf(issues: readonly z.core.$ZodIssue[]): FieldWords[] {
  const all = issues.flatMap((issue): (FieldWords & { readonly bound: boolean })[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatIssuePath([...issue.path, key]),
        message: 'unknown field',
        messageZh: '未知字段',
        bound: false,
      }));
    }
    const { en, zh } = issueWords(issue);
    return [
      { path: formatIssuePath(issue.path), message: en, messageZh: zh, bound: isSafeIntegerBound(issue) },
    ];
  });
  const chosen = new Map<string, FieldWords & { readonly bound: boolean }>();
  for (const words of all) {
    const earlier = chosen.get(words.path);
    if (earlier === undefined || (earlier.bound && !words.bound)) chosen.set(words.path, words);
  }
  return [...chosen.values()].map(({ path, message, messageZh }) => ({ path, message, messageZh }));
}
