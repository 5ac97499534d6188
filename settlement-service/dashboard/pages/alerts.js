import { $, textElement } from './dom.js';
import { language, words } from './i18n.js';

/** 预警: the month's alerts, filtered by status, decided (核实 / 排除) in a form under the alert. */

const FILTERS = ['open', 'confirmed', 'dismissed', 'all'];
const HOUR = 3_600_000;

/** What the section shows and what the reviewer is typing, kept across the page's refreshes. */
const state = { alerts: [], filter: 'open', formFor: null, draft: '', formMessage: '', notice: '' };
/** From the page: canteenName (Map), canDecide, decide(alertId, decision, reason) → Response, reload(). */
let context = null;
/**
 * Decisions made here, as the service answered them: the list is read from the read model, a
 * moment behind the events, so a list read just after a decision may still show the alert open.
 */
const decided = new Map();

export function setAlerts(alerts) {
  for (const alert of alerts) if (alert.status !== 'open') decided.delete(alert.alertId);
  state.alerts = alerts.map((alert) => decided.get(alert.alertId) ?? alert);
  if (!state.alerts.some((alert) => alert.alertId === state.formFor && alert.status === 'open')) closeForm();
}

function closeForm() {
  state.formFor = null;
  state.draft = '';
  state.formMessage = '';
}

/** `2026-11-20T07:00:00.000Z` → `2026-11-20 15:00`: Asia/Shanghai, UTC+8 all year. */
function shanghaiTime(instant) {
  return new Date(Date.parse(instant) + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
}

function countOf(filter) {
  return filter === 'all'
    ? state.alerts.length
    : state.alerts.filter((alert) => alert.status === filter).length;
}

function summaryBadge() {
  const open = state.alerts.filter((alert) => alert.status === 'open');
  const high = open.filter((alert) => alert.severity === 'high').length;
  const badge = $('open-alerts');
  badge.textContent = words().openAlerts(open.length, high);
  badge.className = `open-alerts${open.length === 0 ? ' calm' : high > 0 ? ' high' : ''}`;
}

function filterButtons() {
  const w = words();
  $('alert-filter').replaceChildren(
    ...FILTERS.map((filter) => {
      const button = textElement('button', `${w.alertFilter[filter]} ${countOf(filter)}`, 'filter-button');
      button.type = 'button';
      button.dataset.filter = filter;
      button.setAttribute('aria-pressed', String(state.filter === filter));
      button.addEventListener('click', () => {
        state.filter = filter;
        state.notice = '';
        renderAlerts(context);
      });
      return button;
    }),
  );
}

function evidenceCell(alert) {
  const cell = textElement('td', undefined, 'evidence');
  const shown = alert.saleIds.slice(0, 3);
  for (const saleId of shown) {
    const id = textElement('code', saleId.length > 8 ? `${saleId.slice(0, 8)}…` : saleId, 'sale-id');
    id.title = saleId;
    cell.append(id);
  }
  if (alert.saleIds.length > shown.length) {
    const more = textElement('code', `+${alert.saleIds.length - shown.length}`, 'sale-id');
    more.title = alert.saleIds.slice(shown.length).join('\n');
    cell.append(more);
  }
  cell.append(textElement('div', words().evidence(alert.eventIds.length), 'muted small'));
  return cell;
}

function alertRow(alert, columns) {
  const w = words();
  const row = textElement('tr', undefined, `alert alert-${alert.status}`);
  row.dataset.testid = `alert-${alert.alertId}`;
  row.dataset.kind = alert.kind;
  const cell = (content, className) => {
    const td = textElement('td', undefined, className);
    td.append(content);
    return td;
  };
  const explanation = textElement('td', undefined, 'explanation');
  explanation.append(textElement('p', alert.explanation[language() === 'en' ? 'en' : 'zh']));
  if (alert.decision) {
    const { by, at, reason } = alert.decision;
    const decided = textElement('p', w.decidedBy(by.name, shanghaiTime(at), reason), 'decided');
    decided.dataset.testid = 'decision';
    explanation.append(decided);
  }
  row.append(
    cell(textElement('span', w.severity[alert.severity], `severity severity-${alert.severity}`)),
    cell(w.alertKinds[alert.kind] ?? alert.kind, 'kind'),
    cell(context.canteenName.get(alert.canteenId) ?? alert.canteenId, 'canteen'),
    cell(alert.businessDate, 'number'),
    explanation,
    evidenceCell(alert),
    cell(textElement('span', w.alertStatus[alert.status], `status alert-status-${alert.status}`)),
  );
  if (columns > 7) {
    const action = textElement('td');
    if (alert.status === 'open') {
      const open = textElement('button', w.alertAction, 'link decide');
      open.type = 'button';
      open.setAttribute('aria-expanded', String(state.formFor === alert.alertId));
      open.addEventListener('click', () => {
        if (state.formFor === alert.alertId) closeForm();
        else {
          closeForm();
          state.formFor = alert.alertId;
        }
        renderAlerts(context);
        $(`reason-${alert.alertId}`)?.focus();
      });
      action.append(open);
    }
    row.append(action);
  }
  return row;
}

function decisionForm(alert, columns) {
  const w = words();
  const row = textElement('tr', undefined, 'alert-form');
  const cell = textElement('td');
  cell.colSpan = columns;
  const form = textElement('form', undefined, 'decide-form');
  form.dataset.testid = 'decide-form';
  const reasonId = `reason-${alert.alertId}`;
  const label = textElement('label', w.reasonLabel);
  label.htmlFor = reasonId;
  const reason = textElement('textarea');
  reason.id = reasonId;
  reason.rows = 2;
  reason.maxLength = 500;
  reason.value = state.draft;
  reason.addEventListener('input', () => {
    state.draft = reason.value;
  });
  const button = (text, className, onClick) => {
    const node = textElement('button', text, className);
    node.type = 'button';
    node.addEventListener('click', onClick);
    return node;
  };
  const buttons = textElement('div', undefined, 'actions');
  buttons.append(
    button(w.confirm, 'confirm', () => decide(alert, 'confirm', form)),
    button(w.dismiss, 'dismiss', () => decide(alert, 'dismiss', form)),
    button(w.cancel, 'cancel', () => {
      closeForm();
      renderAlerts(context);
    }),
  );
  const message = textElement('p', state.formMessage, 'message');
  message.setAttribute('role', 'alert');
  message.dataset.testid = 'decide-message';
  form.append(
    textElement('p', w.confirmWarning(alert.saleIds.length), 'warning'),
    label,
    reason,
    buttons,
    message,
  );
  form.addEventListener('submit', (event) => event.preventDefault());
  cell.append(form);
  row.append(cell);
  return row;
}

async function decide(alert, decision, form) {
  const w = words();
  const reason = state.draft.trim();
  if (decision === 'dismiss' && reason === '') {
    state.formMessage = w.reasonRequired;
    return renderAlerts(context);
  }
  for (const button of form.querySelectorAll('button')) button.disabled = true;
  let response;
  try {
    response = await context.decide(alert.alertId, decision, reason);
  } catch {
    state.formMessage = w.unreachable;
    return renderAlerts(context);
  }
  if (response.ok) {
    const answer = await response.json();
    decided.set(answer.alertId, answer);
    setAlerts(state.alerts);
    state.notice = '';
    return renderAlerts(context);
  }
  if (response.status === 409) {
    closeForm();
    state.notice = w.alertTaken;
    return context.reload();
  }
  const code = (await response.json().catch(() => ({}))).code;
  if (response.status === 403) state.formMessage = w.decideForbidden;
  else if (code === 'reason-required') state.formMessage = w.reasonRequired;
  else state.formMessage = w.failed(response.status);
  renderAlerts(context);
}

/** Draws the section and the summary's count of open alerts. */
export function renderAlerts(next) {
  context = next;
  const w = words();
  summaryBadge();
  filterButtons();
  $('alerts-month').textContent = context.month;
  $('alerts-message').textContent = state.notice;
  const table = $('alert-list');
  const headings = context.canDecide ? [...w.alertCols, ''] : w.alertCols;
  const head = textElement('tr');
  head.append(...headings.map((heading) => textElement('th', heading)));
  table.tHead.replaceChildren(head);
  const listed = state.alerts.filter((alert) => state.filter === 'all' || alert.status === state.filter);
  if (listed.length === 0) {
    const row = textElement('tr');
    const cell = textElement('td', w.noAlerts(state.filter), 'muted');
    cell.colSpan = headings.length;
    row.append(cell);
    table.tBodies[0].replaceChildren(row);
    return;
  }
  table.tBodies[0].replaceChildren(
    ...listed.flatMap((alert) =>
      state.formFor === alert.alertId && context.canDecide
        ? [alertRow(alert, headings.length), decisionForm(alert, headings.length)]
        : [alertRow(alert, headings.length)],
    ),
  );
}
