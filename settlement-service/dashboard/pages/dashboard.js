import { renderAlerts, setAlerts } from './alerts.js';
import { drawMap, drawSources, drawTrend, resizeCharts } from './charts.js';
import { $, textElement } from './dom.js';
import { applyWords, formatMoney, language, refusalText, switchLanguage, words } from './i18n.js';
import { ask, request, showSignedIn, showSignInForm, token, wireSignIn } from './session.js';

const REFRESH_MS = 60_000;

/** The last answer of GET /api/v1/dashboard, drawn again when the language changes. */
let shown = null;
let refreshTimer = null;

function showSignIn(message = '') {
  clearInterval(refreshTimer);
  shown = null;
  $('board').hidden = true;
  $('date-pick').hidden = true;
  $('updated').textContent = '';
  $('viewer').textContent = '';
  showSignInForm(message);
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** HH:mm in Asia/Shanghai, as every other time on the page, whatever the browser's own zone. */
const SHANGHAI_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-11-03` moved by whole days, in UTC so that no clock change shifts it. */
function addDays(date, days) {
  const [year, month, day] = date.split('-').map(Number);
  const moved = new Date(Date.UTC(year, month - 1, day + days));
  const pad = (value) => String(value).padStart(2, '0');
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`;
}

/** Shows another day, kept in the address so that it can be bookmarked or sent; the service answers a date it cannot read with 400. */
function showDay(date) {
  $('date').value = date;
  history.replaceState(null, '', date ? `/dashboard?date=${encodeURIComponent(date)}` : '/dashboard');
  if (date && !DATE_PATTERN.test(date)) {
    $('board-message').textContent = words().badDate;
    return;
  }
  load();
}

/** Counts the loads begun: an answer that arrives after a later load began is dropped. */
let loads = 0;

async function load() {
  const date = $('date').value.trim();
  const thisLoad = ++loads;
  try {
    const response = await ask(`/api/v1/dashboard${date ? `?date=${date}` : ''}`);
    const answer = await response.json();
    const alerts = await monthAlerts(answer.month);
    // A refresh of the day shown before must not bring it back once another day was picked.
    if (thisLoad !== loads) return;
    shown = answer;
    setAlerts(alerts);
  } catch (error) {
    if (thisLoad !== loads) return;
    if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error));
    $('board-message').textContent = error.status === 400 ? words().badDate : refusalText(error);
    return;
  }
  $('board-message').textContent = '';
  showSignedIn();
  $('board').hidden = false;
  $('date-pick').hidden = false;
  $('date').value = shown.date;
  $('updated').dataset.time = SHANGHAI_CLOCK.format(new Date());
  render();
}

async function monthAlerts(month) {
  return (await (await ask(`/api/v1/alerts?month=${month}`)).json()).alerts;
}

/** Confirms or dismisses an alert; answers the service's response, refusals included. */
async function decideAlert(alertId, decision, reason) {
  const response = await request(`/api/v1/alerts/${encodeURIComponent(alertId)}/${decision}`, {
    json: { reason },
  });
  if (response.status === 401) showSignIn(words().unauthenticated);
  return response;
}

async function reloadAlerts() {
  try {
    setAlerts(await monthAlerts(shown.month));
  } catch (error) {
    if (error.status === 401) return showSignIn(refusalText(error));
    $('alerts-message').textContent = refusalText(error);
    return;
  }
  drawAlerts();
}

function drawAlerts() {
  renderAlerts({
    month: shown.month,
    canteenName: new Map(shown.canteens.map((canteen) => [canteen.canteenId, canteen.name])),
    canDecide: shown.viewer.role === 'admin' || shown.viewer.role === 'reviewer',
    decide: decideAlert,
    reload: reloadAlerts,
  });
}

function cards(container, figures) {
  const w = words();
  container.replaceChildren(
    ...[
      ['meals', w.meals, String(figures.meals)],
      ['subsidised', w.subsidisedMeals, String(figures.subsidisedMeals)],
      ['subsidy', w.subsidy, formatMoney(figures.subsidyFen)],
      ['reimbursable', w.reimbursable, formatMoney(figures.reimbursableFen)],
    ].map(([key, label, value]) => {
      const card = textElement('div', undefined, 'card');
      const figure = textElement('div', value, 'value');
      figure.dataset.testid = key;
      card.append(textElement('div', label, 'label'), figure);
      // 核实不予结算: what confirmed alerts took out of the reimbursable subsidy.
      if (key === 'reimbursable' && figures.excludedByAlertsFen > 0) {
        const note = textElement('div', w.excludedByAlerts(formatMoney(figures.excludedByAlertsFen)), 'note');
        note.dataset.testid = 'excluded-by-alerts';
        card.append(note);
      }
      return card;
    }),
  );
}

function fillTable(table, columns, rows, emptyText) {
  const head = textElement('tr');
  head.append(...columns.map((column) => textElement('th', column)));
  table.tHead.replaceChildren(head);
  const body = table.tBodies[0];
  if (rows.length === 0) {
    const row = textElement('tr');
    const cell = textElement('td', emptyText, 'muted');
    cell.colSpan = columns.length;
    row.append(cell);
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = textElement('tr');
      row.append(
        ...cells.map((cell) => {
          if (cell instanceof Node) {
            const td = textElement('td');
            td.append(cell);
            return td;
          }
          return textElement(
            'td',
            cell,
            typeof cell === 'string' && /^-?[￥\d]/.test(cell) ? 'number' : undefined,
          );
        }),
      );
      return row;
    }),
  );
}

/** `2026-11-03T15:00:00+08:00` → `11-03 15:00` (the service answers Asia/Shanghai time). */
function shortTime(instant) {
  return instant ? `${instant.slice(5, 10)} ${instant.slice(11, 16)}` : words().none;
}

function terminalStatusText(terminal) {
  const say = words().terminalStatus[terminal.status];
  if (terminal.status === 'offline') return say(shown.offlineAfterHours);
  if (terminal.status === 'queued') return say(terminal.queuedSales);
  return say();
}

function pdfButton(label, path) {
  const button = textElement('button', label, 'link');
  button.type = 'button';
  button.dataset.path = path;
  button.addEventListener('click', () => openPdf(path));
  return button;
}

/** A plain link cannot send the bearer token: fetch the PDF and open it from memory. */
async function openPdf(path) {
  try {
    const blob = await (await ask(path)).blob();
    const url = URL.createObjectURL(blob);
    if (!window.open(url, '_blank')) {
      const link = textElement('a');
      link.href = url;
      link.download = path.split('/').slice(-3).join('-');
      link.click();
    }
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error));
    $('board-message').textContent = `${words().pdfFailed}: ${refusalText(error)}`;
  }
}

function render() {
  if (!shown) return;
  const w = words();
  const data = shown;
  $('updated').textContent = w.updated($('updated').dataset.time);
  $('viewer').textContent = `${data.viewer.name}(${w.roles[data.viewer.role]})`;
  $('today-range').textContent = w.range(data.today.from, data.today.to);
  $('month-range').textContent = w.range(data.thisMonth.from, data.thisMonth.to);
  cards($('today-cards'), data.today);
  cards($('month-cards'), data.thisMonth);
  drawAlerts();

  const sources = data.thisMonth.bySource;
  $('source-empty').hidden = sources.length > 0;
  $('source-chart').hidden = sources.length === 0;
  if (sources.length > 0) drawSources($('source-chart'), sources);
  drawTrend($('trend-chart'), data.trend);

  const canteenName = new Map(data.canteens.map((canteen) => [canteen.canteenId, canteen.name]));
  const month = new Map(data.thisMonth.canteens.map((canteen) => [canteen.canteenId, canteen]));
  fillTable(
    $('canteens'),
    w.canteenCols,
    data.today.canteens.map((today) => {
      const canteen = data.canteens.find((entry) => entry.canteenId === today.canteenId);
      const ofMonth = month.get(today.canteenId);
      return [
        today.name,
        canteen ? `${canteen.district} / ${canteen.town}` : w.none,
        String(today.meals),
        formatMoney(today.subsidyFen),
        String(ofMonth?.meals ?? 0),
        formatMoney(ofMonth?.subsidyFen ?? 0),
        formatMoney(ofMonth?.reimbursableFen ?? 0),
      ];
    }),
    w.none,
  );
  const places = data.canteens
    .filter((canteen) => canteen.location)
    .map((canteen) => ({
      ...canteen.location,
      name: canteen.name,
      meals: month.get(canteen.canteenId)?.meals ?? 0,
    }));
  $('map-panel').hidden = places.length === 0;
  if (places.length > 0) drawMap($('map-chart'), places);

  fillTable(
    $('terminals'),
    w.terminalCols,
    data.terminals.map((terminal) => {
      const status = textElement('span', terminalStatusText(terminal), `status status-${terminal.status}`);
      status.dataset.testid = `terminal-status-${terminal.terminalId}`;
      return [
        terminal.terminalId,
        canteenName.get(terminal.canteenId) ?? terminal.canteenId,
        shortTime(terminal.lastContactAt),
        shortTime(terminal.lastSaleRecordedAt),
        String(terminal.queuedSales),
        status,
      ];
    }),
    w.noTerminals,
  );

  fillTable(
    $('settlements'),
    w.settlementCols,
    data.settlements.map((settlement) => {
      const statements = textElement('span', undefined, 'links');
      statements.append(
        ...settlement.canteenStatements.map((entry) =>
          pdfButton(canteenName.get(entry.canteenId) ?? entry.canteenId, entry.path),
        ),
      );
      const status = textElement(
        'span',
        w.settlementStatus[settlement.status],
        `status settlement-${settlement.status}`,
      );
      // 月结办理: the month's figures and steps on their own page.
      const month = textElement('a', settlement.month, 'month-link');
      month.href = `/dashboard/settlement?month=${settlement.month}`;
      month.dataset.testid = `settlement-link-${settlement.month}`;
      return [
        month,
        status,
        shortTime(settlement.closedAt),
        pdfButton(w.summaryPdf, settlement.statementPath),
        statements,
      ];
    }),
    w.noSettlements,
  );
  // Charts drawn while their section was hidden have no size yet.
  requestAnimationFrame(resizeCharts);
}

function start() {
  applyWords();
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  // A day named in the address (`/dashboard?date=2026-10-08`) is the day shown.
  const asked = new URLSearchParams(location.search).get('date');
  if (asked && DATE_PATTERN.test(asked) && !$('date').value) $('date').value = asked;
  if (token()) {
    load();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(load, REFRESH_MS);
  } else showSignIn();
}

wireSignIn({ words, signIn: start, signOut: showSignIn });
$('date').addEventListener('change', () => showDay($('date').value.trim()));
$('day-before').addEventListener('click', () => showDay(addDays(shown?.date ?? $('date').value, -1)));
$('day-after').addEventListener('click', () => showDay(addDays(shown?.date ?? $('date').value, 1)));
$('go-today').addEventListener('click', () => showDay(''));
$('lang').addEventListener('click', () => {
  switchLanguage();
  applyWords();
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  render();
});
window.addEventListener('resize', resizeCharts);

// Canvas text uses the page's font only once it has loaded.
document.fonts.ready.then(() => render());
start();
