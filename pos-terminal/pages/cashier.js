import { createWedgeDetector } from '/assets/keyboard-wedge.js';
import { applyWords, formatMoney, language, watchState, words } from './i18n.js';

const $ = (id) => document.getElementById(id);
let state = null;
let selection = new Map(); // itemId → qty
let channel = 'dine-in';
let currentCard = null; // the card of the quote on screen
let confirming = false;
let voidTarget = null;

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // The sign-in ended (unused too long): back to the PIN pad.
    if (data?.code === 'not-signed-in' && state) render({ ...state, cashier: null });
    const error = new Error(data?.[language() === 'en' ? 'en' : 'zh'] ?? `${response.status}`);
    error.code = data?.code;
    throw error;
  }
  return data;
}

function say(text, kind = 'info') {
  const message = $('message');
  message.textContent = text;
  message.dataset.kind = kind;
}

function selectedItems() {
  return [...selection].map(([itemId, qty]) => ({ itemId, qty }));
}

function resetSelection() {
  selection = new Map();
  const first = state?.menu[0];
  if (first) selection.set(first.itemId, 1); // the usual set meal: tap, confirm, done
}

/** Every tap and change asks again; the counter shows the answer to the latest, so none is dropped. */
async function quote(cardUid) {
  if (selection.size === 0) return say(words().chooseMeal, 'warn');
  currentCard = cardUid;
  try {
    await api('POST', '/api/quote', { cardUid, items: selectedItems(), channel });
    say('');
  } catch (error) {
    say(error.message, 'error');
  }
}

async function confirm(paymentMethod) {
  const quoted = state?.quote;
  if (!quoted || confirming) return;
  confirming = true;
  try {
    const sale = await api('POST', '/api/sales', { quoteId: quoted.quoteId, paymentMethod });
    const w = words();
    const printed = state.printer.queued === 0;
    const changed = sale.shown.elderPaysFen !== quoted.elderPaysFen;
    const text = `${changed ? `${w.amountChanged} ` : ''}${w.done(formatMoney(sale.shown.elderPaysFen))}`;
    say(`${text}${printed ? '' : ` · ${w.receiptQueued}`}`, changed ? 'warn' : 'ok');
    currentCard = null;
    resetSelection();
    renderMenu();
  } catch (error) {
    say(error.message, 'error');
  } finally {
    confirming = false;
    $('card-input').focus();
  }
}

function renderStatus() {
  const w = words();
  $('canteen-name').textContent = state.canteenName ?? '';
  $('terminal-id').textContent = state.terminalId;
  const online = $('pill-online');
  online.textContent = state.online ? w.online : w.offline;
  online.dataset.kind = state.online ? 'ok' : 'error';
  $('pill-queue').textContent = w.queued(state.queued);
  $('pill-queue').dataset.kind = state.queued > 0 ? 'warn' : 'ok';
  const printer = $('pill-printer');
  printer.textContent = `${w.printer[state.printer.status] ?? state.printer.status}${state.printer.queued ? ` · ${w.reprintWaiting(state.printer.queued)}` : ''}`;
  printer.dataset.kind = state.printer.status === 'ready' ? 'ok' : 'error';
  $('pill-reader').textContent = w.reader[state.reader.status] ?? state.reader.status;
  $('pill-reader').dataset.kind = state.reader.status === 'connected' ? 'ok' : 'error';
  // The PC's clock is off: sales carry the service's time until someone sets it.
  const clock = $('pill-clock');
  clock.textContent = state.clock?.corrected ? w.clockOff(state.clock.offsetMs) : '';
  clock.dataset.kind = 'warn';
  $('cashier-name').textContent = state.cashier?.name ?? '';
  const signIn = $('sign-in');
  if (state.cashier === null && signIn.hidden) {
    // The PIN pad comes up ready to type on: a cashier keys the PIN and Enter, no click first.
    signIn.hidden = false;
    $('pin').focus();
  } else if (state.cashier !== null) signIn.hidden = true;
  $('sync-progress').textContent = state.syncing
    ? w.syncing(state.syncing.done, state.syncing.total)
    : state.syncBlocked
      ? `${w.syncBlocked}: ${state.syncBlocked}`
      : '';
}

function renderMenu() {
  const menu = $('menu');
  menu.replaceChildren(
    ...state.menu.map((item, index) => {
      const button = document.createElement('button');
      button.className = `meal${selection.has(item.itemId) ? ' on' : ''}`;
      button.dataset.itemId = item.itemId;
      button.innerHTML = `<span class="key">${index + 1}</span><span class="name"></span><span class="price"></span>`;
      button.querySelector('.name').textContent = item.name;
      button.querySelector('.price').textContent = formatMoney(item.priceFen);
      button.addEventListener('click', () => toggleItem(item.itemId));
      return button;
    }),
  );
  const lines = selectedItems().map(({ itemId, qty }) => {
    const item = state.menu.find((candidate) => candidate.itemId === itemId);
    const row = document.createElement('div');
    row.className = 'line';
    row.innerHTML =
      '<span class="name"></span><button class="small minus">−</button><b class="qty"></b><button class="small plus">+</button>';
    row.querySelector('.name').textContent = `${item?.name ?? itemId} ${formatMoney(item?.priceFen ?? 0)}`;
    row.querySelector('.qty').textContent = String(qty);
    row.querySelector('.minus').addEventListener('click', () => changeQty(itemId, -1));
    row.querySelector('.plus').addEventListener('click', () => changeQty(itemId, 1));
    return row;
  });
  $('selection').replaceChildren(...lines);
  const demo = $('demo-cards');
  demo.replaceChildren(
    ...state.demoCards.map((cardUid) => {
      const button = document.createElement('button');
      button.className = 'small';
      button.textContent = cardUid;
      button.dataset.card = cardUid;
      button.addEventListener('click', () =>
        api('POST', '/api/taps', { cardUid }).catch((error) => say(error.message, 'error')),
      );
      return button;
    }),
  );
}

function requote() {
  if (state?.quote) quote(currentCard);
}

function toggleItem(itemId) {
  if (selection.has(itemId)) selection.delete(itemId);
  else selection.set(itemId, 1);
  renderMenu();
  requote();
}

/** '+' was pressed: the next digit adds a dish to those chosen instead of replacing them. */
let adding = false;

/** A menu key: the dish chosen instead of what was (the set meal chosen by default), or added after '+'. */
function pickByKey(key) {
  const item = state?.menu[Number(key) - 1];
  if (!item) return;
  if (adding) selection.set(item.itemId, Math.min((selection.get(item.itemId) ?? 0) + 1, 20));
  else selection = new Map([[item.itemId, 1]]);
  adding = false;
  renderMenu();
  requote();
}

/** ⌫: the dish chosen last comes off. */
function removeLastItem() {
  const last = [...selection.keys()].at(-1);
  adding = false;
  if (last === undefined) return;
  selection.delete(last);
  renderMenu();
  requote();
}

function changeQty(itemId, delta) {
  const qty = (selection.get(itemId) ?? 0) + delta;
  if (qty <= 0) selection.delete(itemId);
  else selection.set(itemId, Math.min(qty, 20));
  renderMenu();
  requote();
}

function renderQuote() {
  const w = words();
  const quoted = state.quote;
  $('quote-elder').textContent = quoted ? (quoted.elder ? quoted.elder.maskedName : w.guest) : '';
  $('quote-total').textContent = quoted ? formatMoney(quoted.totalFen) : '—';
  $('quote-subsidy').textContent = quoted ? formatMoney(quoted.subsidyFen) : '—';
  $('quote-pays').textContent = quoted ? formatMoney(quoted.elderPaysFen) : '—';
  const lang = language() === 'en' ? 'en' : 'zh';
  const lines = [
    quoted?.reason?.[lang],
    quoted?.notice ? `${w.notice}: ${quoted.notice[lang]}` : null,
  ].filter(Boolean);
  $('quote-reason').textContent = lines.join(' · ');
  $('quote-mode').textContent = quoted ? (quoted.mode === 'offline' ? w.offlineMode : w.onlineMode) : '';
  $('payments').replaceChildren(
    ...state.paymentMethods.map((method, index) => {
      const button = document.createElement('button');
      button.className = index === 0 ? 'pay primary' : 'pay';
      button.dataset.method = method;
      button.disabled = !quoted;
      button.textContent = `${w.payments[method] ?? method}${index === 0 ? ' ⏎' : ''}`;
      button.addEventListener('click', () => confirm(method));
      return button;
    }),
  );
  $('cancel').disabled = !quoted;
}

async function renderSales() {
  const { sales } = await api('GET', '/api/sales');
  const w = words();
  $('sales').replaceChildren(
    ...sales.map((sale) => {
      const item = document.createElement('li');
      item.dataset.saleId = sale.saleId;
      item.dataset.state = sale.state;
      const refused = sale.subsidyRefused.length > 0 || sale.refusal;
      item.className = refused ? 'refused' : '';
      // The tap's time, as the receipt and the elder's ledger print it.
      const time = new Date(sale.occurredAt).toLocaleTimeString('zh-CN', {
        timeZone: 'Asia/Shanghai',
        hour12: false,
      });
      item.innerHTML =
        '<span class="seq"></span><span class="who"></span><span class="amount"></span><span class="state"></span><button class="small reprint"></button><button class="small void"></button>';
      item.querySelector('.seq').textContent = `#${sale.seq} ${time}`;
      item.querySelector('.who').textContent = sale.shown.maskedName ?? w.guest;
      item.querySelector('.amount').textContent =
        `${formatMoney(sale.shown.totalFen)} / ${w.subsidy} ${formatMoney(sale.shown.subsidyFen)}`;
      const notes = [
        w.states[sale.state],
        sale.offline ? w.offlineSale : null,
        sale.subsidyRefused.length ? w.subsidyRefused : null,
        sale.refusal ? (sale.refusal[language() === 'en' ? 'en' : 'zh'] ?? sale.refusal.code) : null,
      ];
      item.querySelector('.state').textContent = notes.filter(Boolean).join(' · ');
      const reprint = item.querySelector('.reprint');
      reprint.textContent = w.reprint;
      reprint.addEventListener('click', () =>
        api('POST', `/api/sales/${sale.saleId}/reprint`)
          .then(() => say(`${w.reprinted} #${sale.seq}`, 'ok'))
          .catch((error) => say(error.message, 'error')),
      );
      const voidButton = item.querySelector('.void');
      voidButton.textContent = w.void;
      voidButton.disabled = sale.state !== 'recorded' && sale.state !== 'waiting';
      voidButton.addEventListener('click', () => openVoid(sale));
      return item;
    }),
  );
}

function openVoid(sale) {
  voidTarget = sale;
  $('void-sale').textContent =
    `#${sale.seq} ${sale.shown.maskedName ?? words().guest} ${formatMoney(sale.shown.totalFen)}`;
  $('void-error').textContent = '';
  $('void-reason').value = '';
  $('void-pin').value = '';
  $('void-dialog').hidden = false;
  $('void-reason').focus();
}

async function openReport() {
  const report = await api('GET', '/api/day-report');
  const w = words();
  const row = (cells, tag = 'td') => `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
  const t = report.totals;
  $('report-table').innerHTML = [
    row(w.reportCols, 'th'),
    ...report.periods.map((p) =>
      row([
        w.periods[p.period] ?? p.period,
        p.meals,
        p.subsidisedMeals,
        p.unsubsidisedMeals,
        p.portions,
        formatMoney(p.totalFen),
        formatMoney(p.subsidyFen),
        formatMoney(p.elderPaysFen),
      ]),
    ),
    row([
      w.total,
      t.meals,
      t.subsidisedMeals,
      t.unsubsidisedMeals,
      t.portions,
      formatMoney(t.totalFen),
      formatMoney(t.subsidyFen),
      formatMoney(t.elderPaysFen),
    ]),
    `<tr><td colspan="8">${w.guests} ${t.guestMeals} · ${w.offlineMeals} ${t.offlineMeals} · ${w.voids} ${t.voids}</td></tr>`,
  ].join('');
  $('report-date').textContent = report.businessDate;
  $('report-dialog').hidden = false;
}

function render(next) {
  const first = state === null;
  const menuChanged =
    !state ||
    JSON.stringify(state.menu) !== JSON.stringify(next.menu) ||
    JSON.stringify(state.demoCards) !== JSON.stringify(next.demoCards);
  const salesChanged =
    !state ||
    state.cashier?.cashierId !== next.cashier?.cashierId ||
    state.lastSale?.state !== next.lastSale?.state ||
    state.lastSale?.saleId !== next.lastSale?.saleId ||
    state.queued !== next.queued;
  state = next;
  if (first) resetSelection();
  renderStatus();
  if (menuChanged) renderMenu();
  renderQuote();
  // The recent sales are for a signed-in cashier only.
  if (salesChanged && next.cashier) renderSales().catch(() => {});
}

// Keyboard: a card reader "types" the card number and Enter. In the card field that is simply its
// value (fast or slow, nothing is lost); elsewhere the reader's burst is told from a person's typing by
// its timing, and a key is acted on as a shortcut only once no fast key followed it.
const wedge = createWedgeDetector();
let pendingShortcut = null;
document.addEventListener('keydown', (event) => {
  // Esc closes a dialog, as its 取消 or 关闭 does.
  if (event.key === 'Escape' && !$('void-dialog').hidden) $('void-dialog').hidden = true;
  if (event.key === 'Escape' && !$('report-dialog').hidden) $('report-dialog').hidden = true;
  if (!$('sign-in').hidden || !$('void-dialog').hidden || !$('report-dialog').hidden) return;
  if (event.target instanceof HTMLInputElement) {
    const field = event.target;
    // Esc cancels what is on screen wherever the focus is, as the hint says.
    if (event.key === 'Escape' && field.id === 'card-input') {
      field.value = '';
      api('DELETE', '/api/quote');
      return;
    }
    // A lone digit in the empty card field, with no fast key after it, is a menu shortcut.
    if (field.id === 'card-input' && field.value === '' && /^[1-9]$/.test(event.key)) {
      const key = event.key;
      setTimeout(() => {
        if (field.value !== key) return;
        field.value = '';
        pickByKey(key);
      }, 80);
    }
    // A card never starts with these: in the empty field they are menu keys at once.
    if (field.id === 'card-input' && field.value === '' && (event.key === '+' || event.key === 'Backspace')) {
      event.preventDefault();
      if (event.key === '+') adding = true;
      else removeLastItem();
      return;
    }
    if (event.key === 'Enter' && event.target.id === 'card-input') {
      event.preventDefault();
      const cardUid = event.target.value.trim();
      event.target.value = '';
      // Enter on an empty field confirms what is on screen.
      if (cardUid) quote(cardUid);
      else if (state?.quote) confirm(state.paymentMethods[0]);
    }
    return;
  }
  const detected = wedge.key(event.key, event.timeStamp);
  if (detected) {
    event.preventDefault();
    clearTimeout(pendingShortcut);
    api('POST', '/api/taps', { cardUid: detected.card }).catch((error) => say(error.message, 'error'));
    return;
  }
  clearTimeout(pendingShortcut);
  const key = event.key;
  pendingShortcut = setTimeout(() => {
    if (key === 'Enter' && state?.quote) confirm(state.paymentMethods[0]);
    else if (key === 'Escape') api('DELETE', '/api/quote');
    else if (key === '+') adding = true;
    else if (key === 'Backspace') removeLastItem();
    else if (/^[1-9]$/.test(key)) pickByKey(key);
  }, 60);
});

$('card-go').addEventListener('click', () => {
  const cardUid = $('card-input').value.trim();
  $('card-input').value = '';
  if (cardUid) quote(cardUid);
});
$('guest').addEventListener('click', () => quote(null));
$('cancel').addEventListener('click', () => api('DELETE', '/api/quote'));
$('sign-out').addEventListener('click', () => api('DELETE', '/api/session').then(watch));
$('channel-dine-in').addEventListener('click', () => setChannel('dine-in'));
$('channel-delivery').addEventListener('click', () => setChannel('delivery'));
function setChannel(next) {
  channel = next;
  $('channel-dine-in').classList.toggle('on', next === 'dine-in');
  $('channel-delivery').classList.toggle('on', next === 'delivery');
  requote();
}
$('lang').addEventListener('click', () => {
  localStorage.setItem('zhucan-lang', language() === 'en' ? 'zh-CN' : 'en');
  location.reload();
});
$('keypad').replaceChildren(
  ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', 'C'].map((key) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = key;
    button.addEventListener('click', () => {
      const pin = $('pin');
      pin.value = key === '⌫' ? pin.value.slice(0, -1) : key === 'C' ? '' : pin.value + key;
      pin.focus();
    });
    return button;
  }),
);
$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('POST', '/api/session', { pin: $('pin').value });
    $('pin').value = '';
    $('sign-in-error').textContent = '';
    // The event stream was opened before this browser had its sign-in cookie: open it again.
    watch();
    $('card-input').focus();
  } catch (error) {
    $('sign-in-error').textContent = error.message;
    $('pin').value = '';
  }
});
$('void-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const reason = $('void-reason').value.trim();
  // Every void is traced to why it was made: the bureau reads the reasons when it checks voids.
  if (!reason) {
    $('void-error').textContent = words().reasonRequired;
    $('void-reason').focus();
    return;
  }
  try {
    const voided = await api('POST', `/api/sales/${voidTarget.saleId}/void`, {
      managerPin: $('void-pin').value,
      reason,
    });
    $('void-dialog').hidden = true;
    say(words().voidedRefund(voided.seq, formatMoney(voided.shown.elderPaysFen)), 'ok');
    renderSales();
  } catch (error) {
    $('void-error').textContent = error.message;
  }
});
$('void-cancel').addEventListener('click', () => {
  $('void-dialog').hidden = true;
});
$('day-report').addEventListener('click', () => openReport().catch((error) => say(error.message, 'error')));
$('report-close').addEventListener('click', () => {
  $('report-dialog').hidden = true;
});
$('report-print').addEventListener('click', () =>
  api('POST', '/api/day-report/print')
    .then((outcome) => {
      // Closed, so that the cashier sees the outcome where messages show.
      $('report-dialog').hidden = true;
      say(outcome.printed ? words().reportPrinted : words().receiptQueued, outcome.printed ? 'ok' : 'warn');
    })
    .catch((error) => say(error.message, 'error')),
);

applyWords();
$('lang').textContent = language() === 'en' ? '中文' : 'EN';
let events = null;
function watch() {
  events?.close();
  events = watchState(render, (cardUid) => {
    if (state?.cashier) quote(cardUid);
  });
}
watch();
