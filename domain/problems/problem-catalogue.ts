import { Problem, type ProblemInChinese } from './problem.ts';

interface ProblemKind {
  readonly status: number;
  readonly title: string;
  /** The title in Chinese, for people at a counter or a dashboard: the one table of codes in words. */
  readonly titleZh: string;
}

/*
 * Every machine code the settlement service answers with, its status and its title. The title belongs
 * to the code (RFC 9457: it does not change from occurrence to occurrence); what happened goes into
 * `detail`. Route declarations name codes from here, so the OpenAPI document and the answers cannot
 * drift apart; the counter terminal words the service's refusals from here too.
 */
export const PROBLEM_CATALOGUE = {
  'invalid-body': { status: 400, title: 'Invalid body', titleZh: '请求内容有误' },
  'invalid-params': { status: 400, title: 'Invalid path parameter', titleZh: '地址参数有误' },
  'invalid-query': { status: 400, title: 'Invalid query parameter', titleZh: '查询参数有误' },
  unauthenticated: { status: 401, title: 'Unauthenticated', titleZh: '未登录或令牌无效' },
  forbidden: { status: 403, title: 'Forbidden', titleZh: '无权进行此操作' },
  'four-eyes': { status: 403, title: 'Closer cannot approve', titleZh: '结账人不能审批同一月结' },
  'not-found': { status: 404, title: 'Not found', titleZh: '未找到' },
  'reason-required': { status: 400, title: 'Reason required', titleZh: '请填写理由' },
  'alert-decided': { status: 409, title: 'Alert already decided', titleZh: '预警已处理' },
  'invalid-id-number': { status: 400, title: 'Invalid ID number', titleZh: '身份证号无效' },
  'card-taken': { status: 409, title: 'Card bound to another elder', titleZh: '卡片已绑定其他老人' },
  'id-number-taken': {
    status: 409,
    title: 'ID number registered for another elder',
    titleZh: '身份证号已登记给其他老人',
  },
  'period-not-ended': { status: 409, title: 'Month has not ended', titleZh: '该月尚未结束' },
  'policy-immutable': { status: 409, title: 'Policy cannot be changed', titleZh: '政策不能修改' },
  'policy-overlap': { status: 409, title: 'Policy overlaps another', titleZh: '政策与其他政策时间重叠' },
  'sale-conflict': {
    status: 409,
    title: 'Sale conflicts with an earlier one',
    titleZh: '与先前记录的销售冲突',
  },
  'settlement-step': { status: 409, title: 'Settlement is not at that step', titleZh: '月结不在这一步' },
  'body-timeout': { status: 408, title: 'Body too slow', titleZh: '请求超时' },
  'body-too-large': { status: 413, title: 'Body too large', titleZh: '请求内容过大' },
  'too-many-attempts': { status: 429, title: 'Too many failed sign-ins', titleZh: '登录失败次数过多' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', titleZh: '不支持的请求格式' },
  'canteen-unknown': { status: 422, title: 'Unknown canteen', titleZh: '食堂未登记' },
  'card-unknown': { status: 422, title: 'Unknown card', titleZh: '卡片未登记' },
  'clock-skew': { status: 422, title: 'Clock off', titleZh: '终端时钟不准' },
  'item-unknown': { status: 422, title: 'Unknown menu item', titleZh: '菜单中没有该餐品' },
  'void-before-sale': { status: 422, title: 'Void before its sale', titleZh: '作废时间早于销售时间' },
  'policy-unknown': { status: 422, title: 'Unknown policy', titleZh: '没有该政策' },
  internal: { status: 500, title: 'Internal error', titleZh: '服务内部错误' },
  unavailable: { status: 503, title: 'Service unavailable', titleZh: '服务暂不可用' },
  'cut-off-unavailable': { status: 503, title: 'Cut-off not reachable yet', titleZh: '截止点尚未就绪' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_CATALOGUE, code);
}

/**
 * What a problem says in Chinese beside its English detail: the detail, and the refused fields
 * (`errors`) whenever the English names them, so that neither can be left in English alone.
 */
export type ChineseWords<Extra> = Extra extends { readonly errors: unknown }
  ? { readonly detail: string; readonly extra: { readonly errors: unknown } & Record<string, unknown> }
  : { readonly detail: string; readonly extra?: Record<string, unknown> };

/**
 * A `Problem` with the status and titles its code has in the catalogue. A problem with a detail gives
 * it in both languages (`zh` with the Chinese detail and `errors`); one without says its title only.
 */
export function problemFor(code: ProblemCode): Problem;
export function problemFor<Extra extends Record<string, unknown>>(
  code: ProblemCode,
  detail: string,
  extra: Extra,
  zh: ChineseWords<Extra>,
): Problem;
export function problemFor(
  code: ProblemCode,
  detail?: string,
  extra: Record<string, unknown> = {},
  zh: Omit<ProblemInChinese, 'title'> = {},
): Problem {
  const { status, title, titleZh } = PROBLEM_CATALOGUE[code];
  return new Problem(status, code, title, detail, extra, { ...zh, title: titleZh });
}

/** 404 `not-found` for an elder or a canteen the registry does not know, worded in both languages. */
export function notRegistered(thing: 'elder' | 'canteen', id: string): Problem {
  return problemFor(
    'not-found',
    `${thing} ${id} is not registered`,
    {},
    { detail: `${thing === 'elder' ? '老人' : '食堂'} ${id} 未登记` },
  );
}

/** A code's title for people: `{ zh, en }` from the catalogue, the code itself for a code it lacks. */
export function problemTitles(code: string): { readonly zh: string; readonly en: string } {
  if (!isProblemCode(code)) return { zh: code, en: code };
  const { title, titleZh } = PROBLEM_CATALOGUE[code];
  return { zh: titleZh, en: title };
}
