/**
 * The form of a proposal and the policy document it stands for (docs/policy-language.en.md), both ways, and the
 * page's money. Amounts are typed in 元 and read digit by digit into integer fen: no float ever
 * holds money.
 */

import { formatMoney, formatYuan } from './i18n.js';

export const CATEGORIES = [
  'dibao',
  'tekun',
  'low-income',
  'disabled',
  'semi-disabled',
  'family-planning',
  'veteran',
  'living-alone',
];
export const PERIODS = ['breakfast', 'lunch', 'dinner'];
export const CHANNELS = ['dine-in', 'delivery'];
export const SOURCES = ['city-welfare-lottery', 'city-finance', 'district-finance', 'town-finance'];
export const BENEFIT_KINDS = ['fixed', 'percentOff', 'payAtMost'];
export const SCOPES = ['citywide', 'home-district', 'home-canteen'];
export const OFFLINE_EXCESS = ['canteen-bears', 'elder-owes'];
export const CAP_PERS = ['day', 'week', 'month'];
export const LOCALITIES = ['any', 'district', 'town'];

/** The fields a document may carry that the service ignores in a simulation. */
const IGNORED = ['policyId', 'effectiveFrom', 'effectiveTo', 'supersedes'];

/* ------------------------------------------------------------------------------------ money */

/** `'5'` → 500, `'2.5'` → 250, `'0.07'` → 7; `null` unless whole 元 with at most two decimals. */
export function parseYuan(text) {
  const match = /^[￥¥]?\s*(\d{1,10})(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 500 → `'5'`, 250 → `'2.50'`: how an amount stands in a form field. */
export function yuanText(fen) {
  const text = formatYuan(fen);
  return text.endsWith('.00') ? text.slice(0, -3) : text;
}

/** `'60'` → 6000 bp, `'33.33'` → 3333 bp; `null` unless 0 to 100 with at most two decimals. */
export function parsePercent(text) {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(String(text).trim());
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

export function percentText(bp) {
  const cents = bp % 100;
  return cents === 0
    ? String(Math.floor(bp / 100))
    : `${Math.floor(bp / 100)}.${String(cents).padStart(2, '0')}`;
}

/** Digits in groups of three: 1234567 → `1,234,567`. */
function grouped(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Money as the results show it, thousands apart: ￥1,234.56, -￥0.07. */
export function money(fen) {
  return formatMoney(fen, { grouped: true });
}

export function count(value) {
  return `${value < 0 ? '-' : ''}${grouped(String(Math.abs(value)))}`;
}

/** A change with its sign: +￥1.20, -￥0.07, +3, -1; zero answers `null` (the page says 无变化). */
export function change(value, asMoney) {
  if (value === 0) return null;
  const text = asMoney ? money(Math.abs(value)) : count(Math.abs(value));
  return `${value > 0 ? '+' : '-'}${text}`;
}

/* ----------------------------------------------------------------------------------- the form */

export function blankRule(number) {
  return {
    ruleId: `rule-${number}`,
    label: '',
    minAge: '',
    maxAge: '',
    any: [],
    all: [],
    periods: [...PERIODS],
    channels: [...CHANNELS],
    minSpend: '',
    benefitKind: 'fixed',
    amount: '',
    percent: '',
    max: '',
    stackGroup: '',
    funding: [{ source: 'city-finance', share: '100', locality: 'any' }],
  };
}

export function blankForm() {
  return {
    scope: 'citywide',
    offlineExcess: 'canteen-bears',
    elderMinPay: '',
    rules: [blankRule(1)],
    caps: [],
    perSubsidisedMeal: '',
    perElderDay: '',
  };
}

export function blankCap() {
  return { per: 'day', max: '1', period: '', stackGroup: '' };
}

/**
 * The policy document a form stands for. `problems` lists what cannot be read (`path` as in the
 * document, `kind` a key of the words' clientErrors); `aliases` maps document paths the service may
 * name to the form's own (the operating subsidy items have no fixed place in the list).
 */
export function formToDocument(form, name) {
  const problems = [];
  const aliases = new Map();
  const need = (path, kind) => problems.push({ path, kind });
  const yuan = (text, path, { optional = true } = {}) => {
    if (String(text).trim() === '') {
      if (!optional) need(path, 'yuan');
      return null;
    }
    const fen = parseYuan(text);
    if (fen === null) need(path, 'yuan');
    return fen;
  };
  const age = (text, path) => {
    const trimmed = String(text).trim();
    if (trimmed === '') return null;
    if (!/^\d{1,3}$/.test(trimmed) || Number(trimmed) > 200) {
      need(path, 'age');
      return null;
    }
    return Number(trimmed);
  };

  const document = { name: name.trim(), scope: form.scope, offlineExcess: form.offlineExcess };
  const minPay = yuan(form.elderMinPay, 'elderMinPayFen');
  if (minPay) document.elderMinPayFen = minPay;
  if (form.rules.length === 0) need('rules', 'noRules');
  document.rules = form.rules.map((rule, index) => {
    const at = `rules[${index}]`;
    const out = { ruleId: rule.ruleId.trim() };
    if (rule.label.trim() !== '') out.label = rule.label.trim();
    const eligible = {};
    const minAge = age(rule.minAge, `${at}.eligible.minAge`);
    const maxAge = age(rule.maxAge, `${at}.eligible.maxAge`);
    if (minAge !== null) eligible.minAge = minAge;
    if (maxAge !== null) eligible.maxAge = maxAge;
    if (rule.any.length > 0) eligible.categoriesAny = CATEGORIES.filter((c) => rule.any.includes(c));
    if (rule.all.length > 0) eligible.categoriesAll = CATEGORIES.filter((c) => rule.all.includes(c));
    if (Object.keys(eligible).length > 0) out.eligible = eligible;
    if (rule.periods.length === 0) need(`${at}.periods`, 'periods');
    else if (rule.periods.length < PERIODS.length)
      out.periods = PERIODS.filter((p) => rule.periods.includes(p));
    if (rule.channels.length === 0) need(`${at}.channels`, 'channels');
    else if (rule.channels.length < CHANNELS.length)
      out.channels = CHANNELS.filter((c) => rule.channels.includes(c));
    const minSpend = yuan(rule.minSpend, `${at}.minSpendFen`);
    if (minSpend) out.minSpendFen = minSpend;
    if (rule.benefitKind === 'percentOff') {
      const bp = parsePercent(rule.percent);
      if (bp === null) need(`${at}.benefit.bp`, 'percent');
      const most = yuan(rule.max, `${at}.benefit.maxFen`);
      out.benefit = { kind: 'percentOff', bp: bp ?? 0, ...(most === null ? {} : { maxFen: most }) };
    } else {
      out.benefit = {
        kind: rule.benefitKind,
        fen: yuan(rule.amount, `${at}.benefit.fen`, { optional: false }) ?? 0,
      };
    }
    if (rule.stackGroup.trim() !== '') out.stackGroup = rule.stackGroup.trim();
    if (rule.funding.length === 0) need(`${at}.funding`, 'noFunding');
    out.funding = rule.funding.map((part, partIndex) => {
      const shareBp = parsePercent(part.share);
      if (shareBp === null) need(`${at}.funding[${partIndex}].shareBp`, 'percent');
      return {
        source: part.source,
        shareBp: shareBp ?? 0,
        ...(part.locality === 'any' ? {} : { locality: part.locality }),
      };
    });
    return out;
  });
  if (form.caps.length > 0) {
    document.caps = form.caps.map((cap, index) => {
      const trimmed = String(cap.max).trim();
      if (!/^\d{1,6}$/.test(trimmed)) need(`caps[${index}].max`, 'count');
      return {
        per: cap.per,
        max: /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : 0,
        ...(cap.period ? { period: cap.period } : {}),
        ...(cap.stackGroup.trim() ? { stackGroup: cap.stackGroup.trim() } : {}),
      };
    });
  }
  const operating = [];
  for (const kind of ['perSubsidisedMeal', 'perElderDay']) {
    const fen = yuan(form[kind], `operatingSubsidy.${kind}`);
    if (fen !== null) {
      aliases.set(`operatingSubsidy[${operating.length}]`, `operatingSubsidy.${kind}`);
      operating.push({ kind, fen });
    }
  }
  if (operating.length > 0) document.operatingSubsidy = operating;
  return { document, problems, aliases };
}

const isWhole = (value) => Number.isSafeInteger(value) && value >= 0;
const isText = (value) => typeof value === 'string';
const isList = (value, each) => Array.isArray(value) && value.every(each);
const onlyKeys = (object, keys) => Object.keys(object).find((key) => !keys.includes(key));
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The form for a document, when the form can show all of it: `{ ok: true, form, name }`, or
 * `{ ok: false, why: { kind, detail } }` naming the first thing it cannot show.
 */
export function documentToForm(document) {
  const refuse = (kind, detail) => ({ ok: false, why: { kind, detail } });
  if (!isObject(document)) return refuse('notObject');
  const extra = onlyKeys(document, [
    ...IGNORED,
    'name',
    'scope',
    'offlineExcess',
    'elderMinPayFen',
    'rules',
    'caps',
    'operatingSubsidy',
  ]);
  if (extra) return refuse('field', extra);
  const value = (name) => refuse('value', name);
  if (document.name !== undefined && !isText(document.name)) return value('name');
  if (document.scope !== undefined && !SCOPES.includes(document.scope)) return value('scope');
  if (document.offlineExcess !== undefined && !OFFLINE_EXCESS.includes(document.offlineExcess))
    return value('offlineExcess');
  if (document.elderMinPayFen !== undefined && !isWhole(document.elderMinPayFen))
    return value('elderMinPayFen');
  if (!Array.isArray(document.rules)) return value('rules');
  const form = blankForm();
  form.scope = document.scope ?? 'citywide';
  form.offlineExcess = document.offlineExcess ?? 'canteen-bears';
  form.elderMinPay = document.elderMinPayFen ? yuanText(document.elderMinPayFen) : '';
  form.rules = [];
  for (const rule of document.rules) {
    if (!isObject(rule)) return value('rules');
    const ruleExtra = onlyKeys(rule, [
      'ruleId',
      'label',
      'eligible',
      'periods',
      'channels',
      'minSpendFen',
      'benefit',
      'stackGroup',
      'funding',
    ]);
    if (ruleExtra) return refuse('field', ruleExtra);
    const eligible = rule.eligible ?? {};
    if (!isObject(eligible)) return value('eligible');
    const eligibleExtra = onlyKeys(eligible, ['minAge', 'maxAge', 'categoriesAny', 'categoriesAll']);
    if (eligibleExtra) return refuse('field', eligibleExtra);
    for (const key of ['minAge', 'maxAge'])
      if (eligible[key] !== undefined && eligible[key] !== null && !isWhole(eligible[key])) return value(key);
    for (const key of ['categoriesAny', 'categoriesAll']) {
      if (eligible[key] === undefined) continue;
      if (!isList(eligible[key], isText)) return value(key);
      const unknown = eligible[key].find((category) => !CATEGORIES.includes(category));
      if (unknown) return refuse('category', unknown);
    }
    if (!isText(rule.ruleId)) return value('ruleId');
    if (rule.label !== undefined && !isText(rule.label)) return value('label');
    if (rule.periods !== undefined && !isList(rule.periods, (p) => PERIODS.includes(p)))
      return value('periods');
    if (rule.channels !== undefined && !isList(rule.channels, (c) => CHANNELS.includes(c)))
      return value('channels');
    if (rule.minSpendFen !== undefined && !isWhole(rule.minSpendFen)) return value('minSpendFen');
    if (rule.stackGroup !== undefined && rule.stackGroup !== null && !isText(rule.stackGroup))
      return value('stackGroup');
    const benefit = rule.benefit;
    if (!isObject(benefit) || !BENEFIT_KINDS.includes(benefit.kind)) return value('benefit');
    if (benefit.kind === 'percentOff') {
      if (onlyKeys(benefit, ['kind', 'bp', 'maxFen']))
        return refuse('field', onlyKeys(benefit, ['kind', 'bp', 'maxFen']));
      if (!isWhole(benefit.bp) || benefit.bp > 10_000) return value('bp');
      if (benefit.maxFen !== undefined && benefit.maxFen !== null && !isWhole(benefit.maxFen))
        return value('maxFen');
    } else {
      if (onlyKeys(benefit, ['kind', 'fen'])) return refuse('field', onlyKeys(benefit, ['kind', 'fen']));
      if (!isWhole(benefit.fen)) return value('fen');
    }
    if (!isList(rule.funding, isObject) || rule.funding.length === 0) return value('funding');
    for (const part of rule.funding) {
      if (part.shareBp === undefined) return refuse('fixedFunding');
      const partExtra = onlyKeys(part, ['source', 'shareBp', 'locality']);
      if (partExtra) return refuse('field', partExtra);
      if (!isText(part.source)) return value('source');
      if (!isWhole(part.shareBp) || part.shareBp > 10_000) return value('shareBp');
      if (part.locality !== undefined && part.locality !== null && !LOCALITIES.includes(part.locality))
        return value('locality');
    }
    form.rules.push({
      ruleId: rule.ruleId,
      label: rule.label ?? '',
      minAge: eligible.minAge == null ? '' : String(eligible.minAge),
      maxAge: eligible.maxAge == null ? '' : String(eligible.maxAge),
      any: [...(eligible.categoriesAny ?? [])],
      all: [...(eligible.categoriesAll ?? [])],
      periods: [...(rule.periods ?? PERIODS)],
      channels: [...(rule.channels ?? CHANNELS)],
      minSpend: rule.minSpendFen ? yuanText(rule.minSpendFen) : '',
      benefitKind: benefit.kind,
      amount: benefit.kind === 'percentOff' ? '' : yuanText(benefit.fen),
      percent: benefit.kind === 'percentOff' ? percentText(benefit.bp) : '',
      max: benefit.kind === 'percentOff' && benefit.maxFen != null ? yuanText(benefit.maxFen) : '',
      stackGroup: rule.stackGroup ?? '',
      funding: rule.funding.map((part) => ({
        source: part.source,
        share: percentText(part.shareBp),
        locality: part.locality ?? 'any',
      })),
    });
  }
  if (document.caps !== undefined) {
    if (!isList(document.caps, isObject)) return value('caps');
    for (const cap of document.caps) {
      const capExtra = onlyKeys(cap, ['per', 'max', 'period', 'stackGroup']);
      if (capExtra) return refuse('field', capExtra);
      if (!CAP_PERS.includes(cap.per)) return value('per');
      if (!isWhole(cap.max)) return value('max');
      if (cap.period !== undefined && cap.period !== null && !PERIODS.includes(cap.period))
        return value('period');
      if (cap.stackGroup !== undefined && cap.stackGroup !== null && !isText(cap.stackGroup))
        return value('stackGroup');
      form.caps.push({
        per: cap.per,
        max: String(cap.max),
        period: cap.period ?? '',
        stackGroup: cap.stackGroup ?? '',
      });
    }
  }
  if (document.operatingSubsidy !== undefined) {
    if (!isList(document.operatingSubsidy, isObject)) return value('operatingSubsidy');
    for (const item of document.operatingSubsidy) {
      if (item.kind !== 'perSubsidisedMeal' && item.kind !== 'perElderDay')
        return refuse('operating', item.kind);
      if (onlyKeys(item, ['kind', 'fen'])) return refuse('field', onlyKeys(item, ['kind', 'fen']));
      if (!isWhole(item.fen) || form[item.kind] !== '') return value(item.kind);
      form[item.kind] = yuanText(item.fen);
    }
  }
  return { ok: true, form, name: isText(document.name) ? document.name : '' };
}

/** A template as a proposal starts from it: the fields a simulation ignores left out. */
export function withoutIgnored(document) {
  return Object.fromEntries(Object.entries(document).filter(([key]) => !IGNORED.includes(key)));
}
