import { $, addMonths, downloadFile, textElement } from './dom.js';
import { applyWords, formatMoney, language, refusalText, switchLanguage } from './i18n.js';
import { ask, showSignedIn, showSignInForm, showViewer, token, wireSignIn } from './session.js';
import { words } from './settlement-words.js';

/**
 * 月结办理: one month's settlement, its steps (关账, 审核, 批准, 拨付) taken here by whoever may take
 * the next one, and its statements and exports downloaded with the signed-in token.
 */

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Each status's next step: the step's name in the view, its path, and the roles that may take it. */
const NEXT = {
  open: { step: 'closed', action: 'close', roles: ['admin'] },
  closed: { step: 'reviewed', action: 'review', roles: ['admin', 'reviewer'] },
  reviewed: { step: 'approved', action: 'approve', roles: ['admin', 'reviewer'] },
  approved: { step: 'paid', action: 'pay', roles: ['admin'] },
};
const STEPS = ['closed', 'reviewed', 'approved', 'paid'];

const state = {
  viewer: null,
  canteenNames: new Map(),
  /** The last answer of GET /api/v1/settlements/{month}. */
  view: null,
  /** The last refusal of a step: `{ code, detail, retryAfter, action }`, shown until the next action. */
  refusal: null,
  busy: false,
};

/* ------------------------------------------------------------------------------- the session */

/** A request with the bearer token, asking for refusals in the page's language; a refusal is thrown. */
const call = (path, { method, body } = {}) => ask(path, { method, json: body, language: language() });

function showSignIn(message = '') {
  state.viewer = null;
  state.view = null;
  // Hidden until the next viewer's month is loaded: its buttons belong to the last one's view.
  $('month-view').hidden = true;
  $('workspace').hidden = true;
  $('viewer').textContent = '';
  showSignInForm(message);
}

/** Who is signed in and the canteens' names, from the dashboard's answer (the same roles read both). */
async function signIn() {
  try {
    const answer = await (await call('/api/v1/dashboard')).json();
    state.viewer = answer.viewer;
    state.canteenNames = new Map(answer.canteens.map((canteen) => [canteen.canteenId, canteen.name]));
    showSignedIn();
    $('workspace').hidden = false;
    drawViewer();
    const asked = new URLSearchParams(location.search).get('month');
    $('month').value = asked && MONTH_PATTERN.test(asked) ? asked : monthBefore(answer.date.slice(0, 7));
    await showMonth($('month').value);
  } catch (error) {
    if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error, words()));
    showSignIn(refusalText(error, words()));
  }
}

function drawViewer() {
  showViewer(state.viewer, words().roles);
}

/* --------------------------------------------------------------------------------- the month */

const monthBefore = (month) => addMonths(month, -1);

async function showMonth(month) {
  const w = words();
  if (!MONTH_PATTERN.test(month)) {
    $('load-message').textContent = w.badMonth;
    return;
  }
  $('load-message').textContent = '';
  $('month').value = month;
  history.replaceState(null, '', `/dashboard/settlement?month=${month}`);
  state.refusal = null;
  try {
    state.view = await (await call(`/api/v1/settlements/${month}`)).json();
  } catch (error) {
    if (error.status === 401) return showSignIn(refusalText(error, w));
    state.view = null;
    $('load-message').textContent = problemText(error);
  }
  render();
}

/** `2026-11-02T09:00:00+08:00` → `2026-11-02 09:00` (the service answers Asia/Shanghai time). */
function when(instant) {
  return instant ? `${instant.slice(0, 10)} ${instant.slice(11, 16)}` : '';
}

/** A refusal in the page's words: its code's explanation, else the service's own detail. */
function problemText(error) {
  const w = words();
  const code = error.problem?.code;
  const own = code ? w.refusals[code] : undefined;
  if (own) return own;
  if (error.problem?.detail) return error.problem.detail;
  return refusalText(error, w);
}

function render() {
  const w = words();
  drawViewer();
  const view = state.view;
  $('month-view').hidden = view === null;
  const status = $('status');
  if (!view) {
    status.textContent = '';
    status.className = 'status';
    $('status-note').textContent = '';
    return;
  }
  status.textContent = w.settlementStatus[view.status] ?? view.status;
  status.className = `status settlement-${view.status}`;
  $('status-note').textContent = view.status === 'open' ? w.provisional : w.cutoffAt(when(view.cutoff.at));
  drawSteps(view);
  drawAction(view);
  drawRefusal();
  drawFigures(view);
  drawDownloads(view);
}

function drawSteps(view) {
  const w = words();
  $('steps').replaceChildren(
    ...STEPS.map((step) => {
      const taken =
        step === 'closed'
          ? view.closedBy && { by: view.closedBy, at: view.cutoff.at, note: view.closeNote }
          : view.steps[step];
      const item = textElement('li', undefined, taken ? 'taken' : 'pending');
      item.dataset.testid = `step-${step}`;
      item.append(textElement('span', w.stepNames[step], 'step-name'));
      item.append(
        textElement('span', taken ? w.stepBy(taken.by.name, when(taken.at)) : w.notYet, 'step-who'),
      );
      if (taken?.note) item.append(textElement('span', w.noteShown(taken.note), 'step-note'));
      return item;
    }),
  );
}

function drawAction(view) {
  const w = words();
  const next = NEXT[view.status];
  const mayTake = next && state.viewer && next.roles.includes(state.viewer.role);
  $('action').hidden = !mayTake;
  $('no-action').textContent = !next ? w.done : mayTake ? '' : w.waitingFor[next.step];
  if (!mayTake) return;
  const button = $('take-step');
  button.textContent = w.stepButtons[next.step];
  button.dataset.action = next.action;
  button.disabled = state.busy;
  $('action-hint').textContent = w.stepHints[next.step];
}

function drawRefusal() {
  const w = words();
  const refusal = state.refusal;
  $('refusal').hidden = refusal === null;
  if (!refusal) return;
  const retryable = refusal.status === 503;
  $('refusal-text').textContent = [
    problemText(refusal),
    retryable && refusal.retryAfter ? w.retryIn(refusal.retryAfter) : '',
  ]
    .filter(Boolean)
    .join(' ');
  $('refusal').dataset.code = refusal.problem?.code ?? '';
  $('retry').hidden = !retryable;
}

async function takeStep(action) {
  const view = state.view;
  if (!view || state.busy) return;
  state.busy = true;
  state.refusal = null;
  drawAction(view);
  drawRefusal();
  const note = $('note').value.trim();
  try {
    const answer = await call(`/api/v1/settlements/${view.month}/${action}`, {
      method: 'POST',
      body: note ? { note } : {},
    });
    state.view = await answer.json();
    $('note').value = '';
  } catch (error) {
    if (error.status === 401) {
      state.busy = false;
      return showSignIn(refusalText(error, words()));
    }
    state.refusal = Object.assign(error, { action });
    // Someone else may have moved the month on: show it as it stands.
    if (error.problem?.code === 'settlement-step') {
      try {
        state.view = await (await call(`/api/v1/settlements/${view.month}`)).json();
      } catch {}
    }
  }
  state.busy = false;
  render();
}

/* ------------------------------------------------------------------------- figures, downloads */

function downloadButton(label, path, testid) {
  const button = textElement('button', label, 'link');
  button.type = 'button';
  button.dataset.path = path;
  button.dataset.testid = testid;
  button.addEventListener('click', () => download(path));
  return button;
}

function drawFigures(view) {
  const w = words();
  const table = $('figures');
  const head = textElement('tr');
  const last = w.cols.length - 1;
  head.append(
    ...w.cols.map((column, index) =>
      textElement('th', column, index > 0 && index < last ? 'number' : undefined),
    ),
  );
  table.tHead.replaceChildren(head);
  const closed = view.status !== 'open';
  const money = (fen) => textElement('td', formatMoney(fen, { grouped: true }), 'number');
  const count = (value) => textElement('td', String(value), 'number');
  const rows = view.canteens.map((canteen) => {
    const row = textElement('tr');
    row.dataset.canteen = canteen.canteenId;
    const statement = textElement('td');
    if (closed) {
      statement.append(
        downloadButton(
          w.statementPdf,
          `/api/v1/settlements/${view.month}/canteens/${encodeURIComponent(canteen.canteenId)}/statement.pdf`,
          `statement-${canteen.canteenId}`,
        ),
      );
    } else statement.textContent = w.none;
    row.append(
      textElement('td', state.canteenNames.get(canteen.canteenId) ?? canteen.canteenId),
      count(canteen.mealsSold),
      count(canteen.subsidisedMeals),
      money(canteen.subsidyFen),
      money(-canteen.excludedFen),
      money(canteen.operatingSubsidyFen),
      money(canteen.adjustmentsFen),
      money(canteen.reimbursementFen),
      statement,
    );
    return row;
  });
  if (rows.length === 0) {
    const row = textElement('tr');
    const cell = textElement('td', w.noCanteens, 'muted');
    cell.colSpan = w.cols.length;
    row.append(cell);
    rows.push(row);
  }
  table.tBodies[0].replaceChildren(...rows);
  const sum = (key) => view.canteens.reduce((total, canteen) => total + canteen[key], 0);
  const total = textElement('tr');
  total.append(
    textElement('th', w.total),
    count(sum('mealsSold')),
    count(sum('subsidisedMeals')),
    money(sum('subsidyFen')),
    money(-sum('excludedFen')),
    money(sum('operatingSubsidyFen')),
    money(sum('adjustmentsFen')),
    money(view.totals.reimbursementFen),
    textElement('td'),
  );
  total.dataset.testid = 'total';
  table.tFoot.replaceChildren(total);
  // The hash in a monospace face, the words in the page's (a monospace face has no Chinese).
  $('digest').replaceChildren(
    ...(closed ? [textElement('span', w.digest), textElement('code', view.digest)] : []),
  );
}

function drawDownloads(view) {
  const w = words();
  const closed = view.status !== 'open';
  const base = `/api/v1/settlements/${view.month}`;
  $('downloads-title').parentElement.hidden = !closed;
  if (!closed) return;
  $('downloads').replaceChildren(
    downloadButton(w.downloads.summary, `${base}/statement.pdf`, 'download-summary'),
    downloadButton(
      w.downloads.settlementCsv,
      `${base}/export.csv?list=settlement`,
      'download-settlement-csv',
    ),
    downloadButton(w.downloads.paymentsCsv, `${base}/export.csv?list=payments`, 'download-payments-csv'),
    downloadButton(w.downloads.xlsx, `${base}/export.xlsx`, 'download-xlsx'),
  );
}

/** A plain link cannot send the bearer token: fetch the file and save it from memory, under the service's name. */
async function download(path) {
  const w = words();
  $('download-message').textContent = '';
  try {
    const response = await call(path);
    const name =
      /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
      path.split('/').pop();
    downloadFile(await response.blob(), name);
    $('download-message').textContent = '';
  } catch (error) {
    if (error.status === 401) return showSignIn(refusalText(error, w));
    $('download-message').textContent = `${w.downloadFailed}: ${problemText(error)}`;
  }
}

/* ---------------------------------------------------------------------------------- wiring */

function start() {
  applyWords(document, words());
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  if (token()) signIn();
  else showSignIn();
}

wireSignIn({ words, signIn: start, signOut: showSignIn });
$('show').addEventListener('click', () => showMonth($('month').value.trim()));
$('month').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') showMonth($('month').value.trim());
});
$('month-before').addEventListener('click', () => showMonth(addMonths($('month').value.trim(), -1)));
$('month-after').addEventListener('click', () => showMonth(addMonths($('month').value.trim(), 1)));
$('take-step').addEventListener('click', (event) => takeStep(event.currentTarget.dataset.action));
$('retry').addEventListener('click', () => state.refusal && takeStep(state.refusal.action));
$('lang').addEventListener('click', () => {
  switchLanguage();
  applyWords(document, words());
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  render();
});

start();
