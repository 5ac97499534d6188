/** Words of the dashboard, Chinese first. */
export const WORDS = {
  'zh-CN': {
    title: '监管看板',
    date: '日期',
    dayBefore: '前一天',
    dayAfter: '后一天',
    goToday: '今天',
    badDate: '日期应写作 年-月-日，例如 2026-11-03',
    signOut: '退出登录',
    signInTitle: '监管看板登录',
    tokenLabel: '访问令牌',
    tokenPlaceholder: '粘贴民政局发放的令牌',
    tokenHint: '令牌由系统管理员为您的账号(管理员、审核员或审计员)发放；系统管理员令牌也可登录。',
    signIn: '登录',
    signedOut: '已退出登录',
    tokenMissing: '请输入访问令牌',
    unauthenticated: '令牌无效或已失效，请重新输入',
    forbidden: '此令牌无权查看监管看板：需要管理员、审核员或审计员账号',
    unreachable: '无法连接服务，请稍后再试',
    failed: (status) => `读取失败(${status})，请稍后再试`,
    updated: (time) => `更新于 ${time}`,
    today: '今日',
    thisMonth: '本月',
    range: (from, to) => (from === to ? from : `${from} 至 ${to}`),
    meals: '就餐人次',
    subsidisedMeals: '享受补贴人次',
    subsidy: '补贴金额',
    reimbursable: '应结算补贴',
    excludedByAlerts: (amount) => `已扣除核实不予结算 ${amount}`,
    bySourceTitle: '本月补贴资金来源',
    noSubsidy: '本月暂无补贴',
    trendTitle: '本月每日趋势',
    trendMeals: '就餐人次',
    trendSubsidised: '补贴人次',
    trendSubsidy: '补贴金额',
    canteensTitle: '食堂',
    mapTitle: '食堂分布',
    canteenCols: ['食堂', '区 / 街道', '今日就餐', '今日补贴', '本月就餐', '本月补贴', '本月应结算'],
    terminalsTitle: '终端联络',
    terminalCols: ['终端', '食堂', '最后联系', '最后销售', '待同步', '状态'],
    terminalStatus: {
      ok: () => '正常',
      offline: (hours) => `离线超过 ${hours} 小时`,
      queued: (count) => `有 ${count} 笔待同步`,
      'never-seen': () => '从未联系',
    },
    noTerminals: '尚无终端',
    settlementsTitle: '月结',
    settlementCols: ['月份', '状态', '结账时间', '汇总表', '各食堂对账单'],
    settlementStatus: {
      open: '未关账(数字暂定)',
      closed: '已关账',
      reviewed: '已审核',
      approved: '已批准',
      paid: '已拨付',
    },
    summaryPdf: '汇总表 PDF',
    noSettlements: '近期无月结',
    pdfFailed: '对账单打开失败',
    alertsTitle: '预警',
    alertFilter: { open: '待处理', confirmed: '已核实', dismissed: '已排除', all: '全部' },
    alertStatus: { open: '待处理', confirmed: '已核实', dismissed: '已排除' },
    severity: { high: '高', medium: '中', low: '低' },
    alertKinds: {
      'impossible-travel': '异地刷卡',
      'after-death': '身故后用餐',
      'retired-card': '挂失卡用餐',
      'outside-hours': '非营业时间用餐',
      'closed-day': '休息日售餐',
      'regular-counts': '日用餐人次过于规律',
      'area-excess': '超出辖区登记人数',
      'card-farming': '疑似代刷卡',
      'void-rate': '作废率异常',
      'void-rate-peers': '作废率高于同类食堂',
      'void-after-close': '日结后作废',
      'offline-over-cap': '脱机补贴超限',
    },
    alertCols: ['级别', '类型', '食堂', '营业日', '说明', '证据', '状态'],
    alertAction: '处理',
    openAlerts: (open, high) => (open === 0 ? '无待处理预警' : `待处理预警 ${open} 条(高 ${high})`),
    noAlerts: (filter) => (filter === 'all' ? '本月暂无预警' : '本月暂无此类预警'),
    evidence: (events) => `依据 ${events} 个事件`,
    decidedBy: (name, at, reason) => `${name} 于 ${at}${reason ? `：${reason}` : ''}`,
    confirmWarning: (sales) =>
      `核实后，这些售餐的补贴将不予结算(${sales} 笔，对账单注明“核实不予结算”及原因)。`,
    reasonLabel: '原因(排除时必填)',
    confirm: '核实',
    dismiss: '排除',
    cancel: '取消',
    reasonRequired: '请填写排除原因',
    alertTaken: '该预警已由他人处理',
    decideForbidden: '您的角色无权处理预警',
    roles: { admin: '管理员', reviewer: '审核员', auditor: '审计员' },
    sources: {
      'city-welfare-lottery': '市福彩公益金',
      'district-finance': '区财政',
      'city-finance': '市财政',
    },
    none: '—',
  },
  en: {
    title: 'Supervision dashboard',
    date: 'Date',
    dayBefore: 'Day before',
    dayAfter: 'Day after',
    goToday: 'Today',
    badDate: 'Write the date as year-month-day, e.g. 2026-11-03',
    signOut: 'Sign out',
    signInTitle: 'Dashboard sign-in',
    tokenLabel: 'Access token',
    tokenPlaceholder: 'Paste the token the bureau gave you',
    tokenHint:
      "The system administrator issues tokens for your account (admin, reviewer or auditor); the system administrator's token works too.",
    signIn: 'Sign in',
    signedOut: 'Signed out',
    tokenMissing: 'Please enter an access token',
    unauthenticated: 'The token is not valid or no longer valid; please enter it again',
    forbidden: 'This token may not read the dashboard: an admin, reviewer or auditor account is needed',
    unreachable: 'The service cannot be reached; please try again later',
    failed: (status) => `Could not load (${status}); please try again later`,
    updated: (time) => `Updated ${time}`,
    today: 'Today',
    thisMonth: 'This month',
    range: (from, to) => (from === to ? from : `${from} to ${to}`),
    meals: 'Meals',
    subsidisedMeals: 'Subsidised meals',
    subsidy: 'Subsidy',
    reimbursable: 'Reimbursable',
    excludedByAlerts: (amount) => `Less ${amount} (confirmed alerts)`,
    bySourceTitle: 'Subsidy by funding source this month',
    noSubsidy: 'No subsidy this month yet',
    trendTitle: 'Daily trend this month',
    trendMeals: 'Meals',
    trendSubsidised: 'Subsidised',
    trendSubsidy: 'Subsidy',
    canteensTitle: 'Canteens',
    mapTitle: 'Where the canteens are',
    canteenCols: [
      'Canteen',
      'District / town',
      'Meals today',
      'Subsidy today',
      'Meals this month',
      'Subsidy this month',
      'Reimbursable this month',
    ],
    terminalsTitle: 'Terminals',
    terminalCols: ['Terminal', 'Canteen', 'Last contact', 'Last sale', 'Queued', 'Status'],
    terminalStatus: {
      ok: () => 'OK',
      offline: (hours) => `Offline for more than ${hours} h`,
      queued: (count) => `${count} sales waiting to sync`,
      'never-seen': () => 'Never in touch',
    },
    noTerminals: 'No terminals yet',
    settlementsTitle: 'Monthly settlement',
    settlementCols: ['Month', 'Status', 'Closed at', 'Summary', 'Canteen statements'],
    settlementStatus: {
      open: 'Open (provisional)',
      closed: 'Closed',
      reviewed: 'Reviewed',
      approved: 'Approved',
      paid: 'Paid',
    },
    summaryPdf: 'Summary PDF',
    noSettlements: 'No recent settlements',
    pdfFailed: 'Could not open the statement',
    alertsTitle: 'Alerts',
    alertFilter: { open: 'Open', confirmed: 'Confirmed', dismissed: 'Dismissed', all: 'All' },
    alertStatus: { open: 'Open', confirmed: 'Confirmed', dismissed: 'Dismissed' },
    severity: { high: 'High', medium: 'Medium', low: 'Low' },
    alertKinds: {
      'impossible-travel': 'Impossible travel',
      'after-death': 'Meal after death',
      'retired-card': 'Retired card used',
      'outside-hours': 'Outside opening hours',
      'closed-day': 'Sale on a closed day',
      'regular-counts': 'Too regular daily counts',
      'area-excess': 'More than registered in the area',
      'card-farming': 'Suspected card farming',
      'void-rate': 'Unusual void rate',
      'void-rate-peers': 'Void rate above its peers',
      'void-after-close': 'Void after day close',
      'offline-over-cap': 'Offline subsidy over cap',
    },
    alertCols: ['Severity', 'Kind', 'Canteen', 'Business date', 'Explanation', 'Evidence', 'Status'],
    alertAction: 'Decide',
    openAlerts: (open, high) =>
      open === 0 ? 'No open alerts' : `${open} open alert${open === 1 ? '' : 's'} (${high} high)`,
    noAlerts: (filter) => (filter === 'all' ? 'No alerts this month' : 'No such alerts this month'),
    evidence: (events) => `Rests on ${events} event${events === 1 ? '' : 's'}`,
    decidedBy: (name, at, reason) => `${name} at ${at}${reason ? `: ${reason}` : ''}`,
    confirmWarning: (sales) =>
      `Once confirmed, the subsidy of these sales is not reimbursed (${sales} sale${sales === 1 ? '' : 's'}; the statement says so, with the reason).`,
    reasonLabel: 'Reason (required to dismiss)',
    confirm: 'Confirm',
    dismiss: 'Dismiss',
    cancel: 'Cancel',
    reasonRequired: 'Please give the reason for dismissing',
    alertTaken: 'Someone else has already decided this alert',
    decideForbidden: 'Your role may not decide alerts',
    roles: { admin: 'Admin', reviewer: 'Reviewer', auditor: 'Auditor' },
    sources: {
      'city-welfare-lottery': 'City welfare lottery',
      'district-finance': 'District finance',
      'city-finance': 'City finance',
    },
    none: '—',
  },
};

const LANGUAGE_KEY = 'zhucan-lang';

export function language() {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function switchLanguage() {
  localStorage.setItem(LANGUAGE_KEY, language() === 'en' ? 'zh-CN' : 'en');
}

export function words() {
  return WORDS[language()];
}

/*
 * Money as domain/money.ts writes it (a page cannot import TypeScript; tests/page-money.unit.test.ts
 * holds these to it): integer arithmetic only, the sign in front of everything.
 */

/** Yuan as a plain number: 12.34, -0.07. */
export function formatYuan(fen) {
  return `${fen < 0 ? '-' : ''}${yuanDigits(Math.abs(fen), false)}`;
}

/** Money as people read it: ￥12.34, -￥0.07; `grouped` sets thousands apart (￥1,234.56). */
export function formatMoney(fen, { grouped = false } = {}) {
  return `${fen < 0 ? '-' : ''}￥${yuanDigits(Math.abs(fen), grouped)}`;
}

function yuanDigits(abs, grouped) {
  const whole = String(Math.floor(abs / 100));
  return `${grouped ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** A chart axis tick: ￥5 where it is whole yuan (ticks step by whole yuan), else as `formatMoney`. */
export function axisMoney(fen, options) {
  const text = formatMoney(Math.round(fen), options);
  return text.endsWith('.00') ? text.slice(0, -3) : text;
}

/**
 * A failed request in the page's words (`w`, the dashboard's or a page's own on top of them): signed
 * out, not allowed, the data being prepared (503, where the words say so), unreachable, else the status.
 */
export function refusalText(error, w = words()) {
  if (error.status === 401) return w.unauthenticated;
  if (error.status === 403) return w.forbidden;
  if (error.status === 503 && w.cutOff) return w.cutOff;
  if (error.status === 'unreachable') return w.unreachable;
  return w.failed(error.status ?? error.message);
}

/**
 * A funding source as people read it: the name the bureau registered (`name`, `nameEn` from the
 * service's answers), else the page's own words for the common ones, else its id.
 */
export function sourceName(source, registered = {}) {
  const own = language() === 'en' ? (registered.nameEn ?? registered.name) : registered.name;
  return own ?? words().sources[source] ?? source;
}

/** Fills the elements marked `data-i18n`, `data-i18n-placeholder` and `data-i18n-label` from `w`. */
export function applyWords(root = document, w = words()) {
  document.documentElement.lang = language();
  document.title = `助餐通 ${w.title}`;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const text = w[element.dataset.i18n];
    if (typeof text === 'string') element.textContent = text;
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = w[element.dataset.i18nPlaceholder];
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.title = w[element.dataset.i18nLabel];
    element.setAttribute('aria-label', w[element.dataset.i18nLabel]);
  }
}
