/** Words of the counter pages, Chinese first. */
export const WORDS = {
  'zh-CN': {
    signOut: '退出',
    menu: '餐品',
    dineIn: '堂食',
    delivery: '配送',
    tapCard: '刷卡',
    guestSale: '散客(无卡)',
    cardPlaceholder: '卡号(读卡器或手动输入)',
    price: '价格',
    subsidy: '补贴',
    elderPays: '老人应付',
    pleasePay: '请付',
    cancel: '取消',
    recentSales: '最近销售',
    dayReport: '日结报表',
    signInTitle: '收银员登录',
    pin: '密码',
    signIn: '登录',
    voidTitle: '作废销售',
    voidReason: '作废原因',
    managerPin: '店长密码',
    void: '作废',
    print: '打印',
    close: '关闭',
    online: '在线',
    offline: '离线',
    queued: (n) => `待同步 ${n} 笔`,
    printer: { ready: '打印机正常', offline: '打印机离线', 'paper-out': '打印机缺纸' },
    reprintWaiting: (n) => `${n} 张小票待重打`,
    reader: { connected: '读卡器已连接', disconnected: '读卡器未连接' },
    guest: '散客',
    hello: (name) => `${name} 您好`,
    welcome: '欢迎光临',
    seeCashier: '请稍候，收银员为您处理',
    keysHint: '数字键选餐（换掉已选）· + 再按数字加一样 · ⌫ 去掉最后一样 · 回车收款 · Esc 取消',
    thanks: '谢谢惠顾，祝您用餐愉快',
    chooseMeal: '请选择餐品后刷卡',
    done: (pays) => `已完成，收款 ${pays}`,
    offlineMode: '离线模式：按本机资料计算补贴',
    onlineMode: '在线',
    states: {
      recorded: '已同步',
      waiting: '待同步',
      refused: '未记录',
      voided: '已作废',
      'void-waiting': '作废待同步',
    },
    subsidyRefused: '补贴未获结算',
    reprint: '重打',
    offlineSale: '脱机',
    syncing: (d, t) => `正在同步 ${d}/${t}`,
    payments: { cash: '现金', qr: '扫码', 'card-balance': '卡内余额' },
    speechOn: '开启语音播报',
    speechOff: '关闭语音播报',
    receiptQueued: '小票未打印，已加入重打队列',
    periods: { breakfast: '早餐', lunch: '午餐', dinner: '晚餐', other: '其他' },
    reportCols: ['餐次', '就餐人次', '补贴人次', '未补贴人次', '份数', '金额', '补贴', '实收'],
    total: '合计',
    voids: '作废',
    guests: '其中散客',
    offlineMeals: '脱机',
    speak: (subsidy, pays) => (subsidy ? `补贴${subsidy}，请付${pays}` : `请付${pays}`),
    notice: '提示',
    amountChanged: '补贴已变更(刚在别处用过)！',
    syncBlocked: '无法同步',
    clockOff: (offsetMs) =>
      `本机时钟${offsetMs > 0 ? '慢' : '快'}${duration(offsetMs, '小时', '分钟')}：已按服务器时间记账，请校准电脑时间`,
    reprinted: '已重打小票',
    reportPrinted: '日结报表已打印',
    reasonRequired: '请填写作废原因',
    voidedRefund: (seq, refund) => `已作废 #${seq}，应退 ${refund}`,
  },
  en: {
    signOut: 'Sign out',
    menu: 'Menu',
    dineIn: 'Dine in',
    delivery: 'Delivery',
    tapCard: 'Card',
    guestSale: 'Guest (no card)',
    cardPlaceholder: 'Card number (reader or typed)',
    price: 'Price',
    subsidy: 'Subsidy',
    elderPays: 'Elder pays',
    pleasePay: 'Please pay',
    cancel: 'Cancel',
    recentSales: 'Recent sales',
    dayReport: 'Day report',
    signInTitle: 'Cashier sign-in',
    pin: 'PIN',
    signIn: 'Sign in',
    voidTitle: 'Void a sale',
    voidReason: 'Reason',
    managerPin: 'Manager PIN',
    void: 'Void',
    print: 'Print',
    close: 'Close',
    online: 'Online',
    offline: 'Offline',
    queued: (n) => `${n} to sync`,
    printer: { ready: 'Printer ready', offline: 'Printer offline', 'paper-out': 'Printer out of paper' },
    reprintWaiting: (n) => `${n} receipts to reprint`,
    reader: { connected: 'Reader connected', disconnected: 'Reader disconnected' },
    guest: 'Guest',
    hello: (name) => `Hello, ${name}`,
    welcome: 'Welcome',
    seeCashier: 'One moment, the cashier will help you',
    keysHint:
      'Digit: choose (replaces) · + then digit: add one · ⌫: take off the last · Enter: pay · Esc: cancel',
    thanks: 'Thank you, enjoy your meal',
    chooseMeal: 'Choose a meal, then tap the card',
    done: (pays) => `Done: collect ${pays}`,
    offlineMode: 'Offline: subsidy from local data',
    onlineMode: 'Online',
    states: {
      recorded: 'Synced',
      waiting: 'Waiting',
      refused: 'Not recorded',
      voided: 'Voided',
      'void-waiting': 'Void waiting',
    },
    subsidyRefused: 'Subsidy not reimbursed',
    reprint: 'Reprint',
    offlineSale: 'offline',
    syncing: (d, t) => `Syncing ${d}/${t}`,
    payments: { cash: 'Cash', qr: 'QR code', 'card-balance': 'Card balance' },
    speechOn: 'Turn on spoken amounts',
    speechOff: 'Turn off spoken amounts',
    receiptQueued: 'Receipt not printed: queued for reprint',
    periods: { breakfast: 'Breakfast', lunch: 'Lunch', dinner: 'Dinner', other: 'Other' },
    reportCols: ['Period', 'Meals', 'Subsidised', 'Unsubsidised', 'Portions', 'Total', 'Subsidy', 'Received'],
    total: 'Total',
    voids: 'Voids',
    guests: 'of which guests',
    offlineMeals: 'Offline',
    speak: (subsidy, pays) => (subsidy ? `Subsidy ${subsidy}, please pay ${pays}` : `Please pay ${pays}`),
    notice: 'Notice',
    amountChanged: 'Subsidy changed (just used elsewhere)!',
    syncBlocked: 'Cannot sync',
    clockOff: (offsetMs) =>
      `This PC's clock is ${duration(offsetMs, ' h', ' min')} ${offsetMs > 0 ? 'slow' : 'fast'}: sales use the service's time; set the clock`,
    reprinted: 'Receipt reprinted',
    reportPrinted: 'Day report printed',
    reasonRequired: 'Please give the reason for the void',
    voidedRefund: (seq, refund) => `Voided #${seq}: refund ${refund}`,
  },
};

/** How far a clock is off, in hours and minutes: `6小时2分`, `6 h 2 min`. */
function duration(offsetMs, hours, minutes) {
  const total = Math.round(Math.abs(offsetMs) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return [h ? `${h}${hours}` : '', m || !h ? `${m}${minutes}` : '']
    .filter(Boolean)
    .join(hours.startsWith(' ') ? ' ' : '');
}

export function language() {
  return localStorage.getItem('zhucan-lang') === 'en' ? 'en' : 'zh-CN';
}

export function words() {
  return WORDS[language()];
}

/*
 * Money as domain/money.ts `formatMoney` writes it (a page cannot import TypeScript; tests/page-money.unit.test.ts
 * holds these to it): integer arithmetic only, the sign in front of everything.
 */

/** Money as people read it: ￥12.34, -￥0.07; `grouped` sets thousands apart (￥1,234.56). */
export function formatMoney(fen, { grouped = false } = {}) {
  return `${fen < 0 ? '-' : ''}￥${yuanDigits(Math.abs(fen), grouped)}`;
}

function yuanDigits(abs, grouped) {
  const whole = String(Math.floor(abs / 100));
  return `${grouped ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Amounts as spoken: 9元, 9元5角, 9元0角5分 → plain words a speech engine reads well. */
export function spokenYuan(fen) {
  const y = Math.floor(fen / 100);
  const jiao = Math.floor((fen % 100) / 10);
  const f = fen % 10;
  if (language() === 'en') return `${y}${jiao || f ? `.${jiao}${f}` : ''} yuan`;
  return `${y}元${jiao ? `${jiao}角` : ''}${f ? `${jiao ? '' : '零'}${f}分` : ''}`;
}

export function applyWords(root = document) {
  const w = words();
  document.documentElement.lang = language();
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const text = w[element.dataset.i18n];
    if (typeof text === 'string') element.textContent = text;
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = w[element.dataset.i18nPlaceholder];
  }
}

/** The counter's state, live: one event stream, reconnecting by itself. */
export function watchState(onState, onCard) {
  const source = new EventSource('/api/events');
  source.addEventListener('state', (event) => onState(JSON.parse(event.data)));
  if (onCard) source.addEventListener('card', (event) => onCard(JSON.parse(event.data).cardUid));
  return source;
}
