import { language } from './i18n.js';
import { words } from './simulation-words.js';

/**
 * What the page says about a refused proposal: the service's field errors (English, from the
 * policy validator, e.g. `policy.rules[0].funding: shares must sum to 10000 bp, got 9000`) turned
 * into a Chinese field name and message; and where a JSON text fails to parse, in lines and columns.
 */

const FIELD_NAMES = {
  'zh-CN': {
    policy: '政策文件',
    month: '月份',
    proposals: '方案',
    name: '政策名称',
    policyId: '政策编号',
    effectiveFrom: '生效日期',
    effectiveTo: '失效日期',
    supersedes: '替代的政策',
    rules: '补贴规则',
    caps: '次数上限',
    elderMinPayFen: '个人最低自付',
    scope: '补贴范围',
    offlineExcess: '脱机多补部分',
    operatingSubsidy: '运营补贴',
    ruleId: '规则编号',
    label: '规则名称',
    eligible: '补贴对象条件',
    minAge: '最低年龄',
    maxAge: '最高年龄',
    categoriesAny: '类别(任一)',
    categoriesAll: '类别(须同时具备)',
    periods: '餐次',
    channels: '用餐方式',
    minSpendFen: '餐费下限',
    benefit: '补贴标准',
    kind: '类型',
    fen: '金额',
    bp: '比例',
    maxFen: '最高补贴',
    stackGroup: '叠加组',
    funding: '资金分担',
    source: '来源',
    shareBp: '份额',
    rest: '兜底(rest)',
    locality: '属地',
    per: '周期',
    max: '次数',
    period: '餐次',
    bands: '年龄段',
    meals: '每日最少餐数',
    monthlyCapFen: '每月上限',
  },
  en: {
    policy: 'Policy document',
    month: 'Month',
    proposals: 'Proposal',
    name: 'Name',
    policyId: 'Policy id',
    effectiveFrom: 'Effective from',
    effectiveTo: 'Effective to',
    supersedes: 'Supersedes',
    rules: 'Rules',
    caps: 'Caps',
    elderMinPayFen: 'Elder pays at least',
    scope: 'Scope',
    offlineExcess: 'Offline excess',
    operatingSubsidy: 'Operating subsidy',
    ruleId: 'Rule id',
    label: 'Rule name',
    eligible: 'Eligibility',
    minAge: 'Min age',
    maxAge: 'Max age',
    categoriesAny: 'Categories (any)',
    categoriesAll: 'Categories (all)',
    periods: 'Meal periods',
    channels: 'Channels',
    minSpendFen: 'Minimum bill',
    benefit: 'Benefit',
    kind: 'Kind',
    fen: 'Amount',
    bp: 'Percentage',
    maxFen: 'At most',
    stackGroup: 'Stack group',
    funding: 'Funding',
    source: 'Source',
    shareBp: 'Share',
    rest: 'Rest',
    locality: 'Locality',
    per: 'Per',
    max: 'At most',
    period: 'Period',
    bands: 'Age bands',
    meals: 'Minimum meals a day',
    monthlyCapFen: 'Monthly cap',
  },
};

/** Items of a list named by their place: 规则1, 上限2, 资金分担第1项 (1-based, as people count). */
const NUMBERED = {
  'zh-CN': {
    rules: (n) => `规则${n}`,
    caps: (n) => `上限${n}`,
    operatingSubsidy: (n) => `运营补贴${n}`,
    funding: (n) => `资金分担第${n}项`,
    bands: (n) => `年龄段${n}`,
    proposals: (n) => `方案${n}`,
  },
  en: {
    rules: (n) => `Rule ${n}`,
    caps: (n) => `Cap ${n}`,
    operatingSubsidy: (n) => `Operating subsidy ${n}`,
    funding: (n) => `Funding part ${n}`,
    bands: (n) => `Age band ${n}`,
    proposals: (n) => `Proposal ${n}`,
  },
};

/** `rules[0].funding[1].shareBp` → ['rules', 0, 'funding', 1, 'shareBp']. */
export function pathSegments(path) {
  const segments = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return segments;
}

/** The field a path names, as a person reads it: `rules[0].funding` → 规则1 · 资金分担. */
export function fieldName(path, { unknownField = false } = {}) {
  const lang = language();
  const names = FIELD_NAMES[lang];
  const numbered = NUMBERED[lang];
  const segments = pathSegments(path);
  const parts = [];
  segments.forEach((segment, index) => {
    const next = segments[index + 1];
    if (typeof segment === 'number') {
      const list = segments[index - 1];
      if (!numbered[list]) parts.push(lang === 'en' ? `item ${segment + 1}` : `第${segment + 1}项`);
      return;
    }
    const last = index === segments.length - 1;
    if (last && unknownField) parts.push(`“${segment}”`);
    else if (typeof next === 'number' && numbered[segment]) parts.push(numbered[segment](next + 1));
    else parts.push(names[segment] ?? segment);
  });
  // “第2项” belongs to the name before it: 餐次第2项.
  return parts
    .reduce((joined, part) => {
      if (/^(第\d+项|item \d+)$/.test(part) && joined.length > 0) {
        joined[joined.length - 1] = `${joined[joined.length - 1]}${lang === 'en' ? ` ${part}` : part}`;
      } else joined.push(part);
      return joined;
    }, [])
    .join(' · ');
}

const options = (text) =>
  text
    .split('|')
    .map((option) => option.replace(/^['"\s]+|['"\s]+$/g, ''))
    .join('、');

/** The validator's English message in Chinese: the common ones by name, the rest as 取值无效. */
const MESSAGES = [
  [/^unknown field$/, () => '未知字段(请检查拼写)'],
  [/^shares must sum to 10000 bp, got (-?\d+)/, (bp) => `份额之和须为100%(现为${percentOfBp(Number(bp))}%)`],
  [/expected int, received number/, () => '须为整数'],
  [/expected (\w+), received undefined/, () => '必填'],
  [/expected number, received/, () => '须为数字'],
  [/expected string, received/, () => '须为文字(用英文双引号括起)'],
  [/expected array, received/, () => '须为列表 [ … ]'],
  [/expected object, received/, () => '须为对象 { … }'],
  [/expected boolean, received/, () => '须为 true 或 false'],
  [/^Invalid input: expected true/, () => '只能为 true'],
  [/^Invalid option: expected one of (.*)$/, (list) => `取值无效，可选：${options(list)}`],
  [/^Invalid discriminator value\. Expected (.*)$/, (list) => `类型无效，可选：${options(list)}`],
  [/^Invalid input$/, () => '取值无效'],
  [/Too small: expected string to have >=1 characters/, () => '必填(不能为空)'],
  [/Too big: expected string to have <=(\d+) characters/, (n) => `不能超过 ${n} 个字`],
  [/Too small: expected array to have >=(\d+) items?/, (n) => `至少需要 ${n} 项`],
  [/Too big: expected array to have <=(\d+) items?/, (n) => `最多 ${n} 项`],
  [/Too small: expected number to be >=(-?\d+)/, (n) => `不能小于 ${n}`],
  [/Too small: expected number to be >(-?\d+)/, (n) => `须大于 ${n}`],
  [/Too big: expected number to be <=(-?\d+)/, (n) => `不能大于 ${n}`],
  [/^maxAge is below minAge$/, () => '最高年龄低于最低年龄'],
  [
    /^a funding part has exactly one of shareBp, fen or rest: true$/,
    () => '每项须且只能有份额(shareBp)、定额(fen)或兜底(rest)之一',
  ],
  [/^a funding list has either shares or fixed parts, not both$/, () => '同一规则不能同时按份额和按定额分担'],
  [/^at most one funding part may be rest$/, () => '最多只能有一项兜底(rest)'],
  [/^duplicate ruleId (.*)$/, (id) => `规则编号重复：${id}`],
  [/^no rule has stackGroup (.*)$/, (group) => `没有规则属于叠加组 ${group}`],
  [/^age band overlaps bands\[(\d+)\]$/, (n) => `与年龄段${Number(n) + 1}重叠`],
  [/^expected a date YYYY-MM-DD$/, () => '日期应写作 年-月-日'],
  [/^not a real calendar date$/, () => '不是有效的日期'],
  [/^effectiveTo must be after effectiveFrom$/, () => '失效日期须晚于生效日期'],
  [/^a policy cannot supersede itself$/, () => '政策不能替代自己'],
  [/^expected a month YYYY-MM$/, () => '月份应写作 年-月'],
];

/** 9000 bp → "90", 3333 → "33.33": integer arithmetic only. */
export function percentOfBp(bp) {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(bp);
  const cents = abs % 100;
  return `${sign}${Math.floor(abs / 100)}${cents === 0 ? '' : `.${String(cents).padStart(2, '0').replace(/0$/, '')}`}`;
}

export function messageInChinese(message) {
  for (const [pattern, say] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return say(...match.slice(1));
  }
  return '取值无效';
}

/**
 * One refused field as the page shows it: `field` and `message` in the page's language, `original`
 * the service's own words (shown beside the Chinese). `path` is relative to the policy document.
 */
export function describeFieldError(error, prefix) {
  const path = error.path.startsWith(prefix)
    ? error.path.slice(prefix.length).replace(/^\./, '')
    : error.path;
  const unknownField = error.message === 'unknown field';
  const original = `${error.path}: ${error.message}`;
  const field = path === '' ? FIELD_NAMES[language()].policy : fieldName(path, { unknownField });
  if (language() === 'en') return { path, field, message: error.message, original: null };
  return { path, field, message: messageInChinese(error.message), original };
}

/* ------------------------------------------------------------------ JSON that does not parse */

class JsonFault extends Error {
  constructor(at, reason) {
    super(reason);
    this.at = at;
    this.reason = reason;
  }
}

/**
 * Where and why a JSON text fails: a small reader of the JSON grammar, so that every browser names
 * the same place (their own messages differ, and not all give a line). `null` when it parses.
 */
export function locateJsonError(text) {
  let at = 0;
  const fail = (reason, where = at) => {
    throw new JsonFault(where, reason);
  };
  const space = () => {
    while (at < text.length && /[ \t\n\r]/.test(text[at])) at += 1;
  };
  const string = () => {
    at += 1; // the opening quote
    while (at < text.length) {
      const character = text[at];
      if (character === '"') {
        at += 1;
        return;
      }
      if (character === '\\') {
        const escaped = text[at + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('escape');
          at += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) at += 2;
        else fail('escape');
        continue;
      }
      if (character < ' ') fail(character === '\n' || character === '\r' ? 'control' : 'char');
      at += 1;
    }
    fail('string');
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail('number');
    at += match[0].length;
    if (at < text.length && /[0-9.eE+-]/.test(text[at])) fail('number');
  };
  const value = () => {
    space();
    if (at >= text.length) fail('end');
    const character = text[at];
    if (character === '{') return object();
    if (character === '[') return array();
    if (character === '"') return string();
    if (character === '-' || (character >= '0' && character <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
    }
    fail('char');
  };
  const object = () => {
    at += 1;
    space();
    if (text[at] === '}') {
      at += 1;
      return;
    }
    for (;;) {
      space();
      if (at >= text.length) fail('end');
      if (text[at] === '}') fail('trailing', lastComma);
      if (text[at] !== '"') fail('key');
      string();
      space();
      if (at >= text.length) fail('end');
      if (text[at] !== ':') fail('colon');
      at += 1;
      value();
      space();
      if (at >= text.length) fail('end');
      if (text[at] === '}') {
        at += 1;
        return;
      }
      if (text[at] !== ',') fail('comma');
      lastComma = at;
      at += 1;
    }
  };
  const array = () => {
    at += 1;
    space();
    if (text[at] === ']') {
      at += 1;
      return;
    }
    for (;;) {
      space();
      if (text[at] === ']') fail('trailing', lastComma);
      value();
      space();
      if (at >= text.length) fail('end');
      if (text[at] === ']') {
        at += 1;
        return;
      }
      if (text[at] !== ',') fail('comma');
      lastComma = at;
      at += 1;
    }
  };
  let lastComma = 0;
  try {
    value();
    space();
    if (at < text.length) fail('after');
    return null;
  } catch (error) {
    if (!(error instanceof JsonFault)) throw error;
    const before = text.slice(0, Math.min(error.at, text.length));
    const lines = before.split('\n');
    return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, reason: error.reason };
  }
}

/** Reads a proposal's JSON: `{ ok, value }` or `{ ok: false, message }` saying where, in words. */
export function readJson(text) {
  const w = words();
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    const fault = locateJsonError(text) ?? { line: 1, column: 1, reason: 'char' };
    return {
      ok: false,
      line: fault.line,
      column: fault.column,
      message: w.json.error(w.json.where(fault.line, fault.column), w.json.reasons[fault.reason]),
      detail: w.json.detail(w.json.where(fault.line, fault.column), w.json.reasons[fault.reason]),
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: w.json.notObject };
  }
  return { ok: true, value };
}
