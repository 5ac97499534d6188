import { $, addMonths, downloadFile, element } from './dom.js';
import { refusalText as dashboardRefusalText, language, switchLanguage } from './i18n.js';
import {
  ask,
  Refusal,
  request,
  sayAtSignIn,
  showSignedIn,
  showSignInForm,
  showViewer,
  token,
  wireSignIn,
} from './session.js';
import { drawComparison, resizeCharts } from './simulation-charts.js';
import { describeFieldError, fieldName, readJson } from './simulation-errors.js';
import { drawForm } from './simulation-form.js';
import {
  blankForm,
  change,
  count,
  documentToForm,
  formToDocument,
  money,
  withoutIgnored,
} from './simulation-policy.js';
import { applyWords, rememberSourceNames, sourceLabel, words } from './simulation-words.js';

/** 政策测算: up to three proposed policies decided over a recorded month, beside the month as recorded. */

const DRAFTS_KEY = 'zhucan-simulation-drafts';
const MAX_PROPOSALS = 3;
const TOP_CANTEENS = 15;
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const TEMPLATE_KEYS = ['beijing', 'tianjin', 'zengcheng'];
const FIGURES = [
  ['mealsSold', false],
  ['subsidisedMeals', false],
  ['subsidyFen', true],
  ['operatingSubsidyFen', true],
  ['reimbursementFen', true],
];
const ELDER_ROWS = ['gaining', 'losing', 'unchanged'];

/**
 * The page's state. A proposal: `name`, `mode` ('form' | 'json'), its `form` and `json` text,
 * `errors` (refusals, shown beside it), `syntax` (where its JSON fails to parse), `note`.
 */
const state = {
  proposals: [],
  viewer: null,
  running: null,
  /** The last run: month and, per proposal that passed, its label, document and the service's answer. */
  results: null,
  /** What the progress line says when nothing runs (see showStatus). */
  status: null,
};
let templates = null;
let nextKey = 1;

/* -------------------------------------------------------------------------------- the session */

/** A refusal in the page's words: the dashboard's, and 503 as the data being prepared. */
const refusalText = (error) => dashboardRefusalText(error, words());

/**
 * A request with the bearer token (`body` posted as JSON); 401 and 403 are thrown, the rest answered.
 * Refusals come in English: the page words a refused proposal itself from them (simulation-errors.js).
 */
async function send(path, { body, signal } = {}) {
  const response = await request(path, { json: body, signal, language: 'en' });
  if (response.status === 401 || response.status === 403) throw new Refusal(response.status);
  return response;
}

function showSignIn(message = '') {
  stopRunning();
  state.viewer = null;
  $('workspace').hidden = true;
  $('viewer').textContent = '';
  showSignInForm(message);
}

function failed(error) {
  if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error));
  $('run-message').textContent = refusalText(error);
}

/** Checks the token with the dashboard's answer, which says who is signed in and the service's today. */
async function signedIn() {
  let answer;
  try {
    answer = await (await ask('/api/v1/dashboard')).json();
  } catch (error) {
    if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error));
    return sayAtSignIn(refusalText(error));
  }
  state.viewer = answer.viewer;
  // The sources' registered names: without them the page still works, with its own names or the ids.
  try {
    const sources = await send('/api/v1/funding-sources');
    if (sources.ok) rememberSourceNames((await sources.json()).fundingSources);
  } catch {}
  if (!MONTH_PATTERN.test($('month').value)) $('month').value = addMonths(answer.date.slice(0, 7), -1);
  showSignedIn();
  $('workspace').hidden = false;
  drawViewer();
  drawProposals();
  if (state.results) drawResults();
}

function drawViewer() {
  showViewer(state.viewer, words().roles);
}

/* -------------------------------------------------------------------------------- the month */

function chosenMonth() {
  const month = $('month').value.trim();
  if (MONTH_PATTERN.test(month)) return month;
  $('run-message').textContent = words().badMonth;
  $('month').setAttribute('aria-invalid', 'true');
  $('month').focus();
  return null;
}

function moveMonth(delta) {
  const month = $('month').value.trim();
  if (!MONTH_PATTERN.test(month)) return chosenMonth();
  $('month').value = addMonths(month, delta);
  monthChanged();
}

function monthChanged() {
  $('month').removeAttribute('aria-invalid');
  if ($('run-message').textContent === words().badMonth) $('run-message').textContent = '';
  saveDrafts();
}

/* ------------------------------------------------------------------------------ the proposals */

function newProposal() {
  return {
    key: nextKey++,
    name: '',
    mode: 'form',
    form: blankForm(),
    json: '',
    errors: [],
    syntax: false,
    note: null,
  };
}

function labelOf(proposal, index) {
  return proposal.name.trim().slice(0, 40) || words().proposal(index + 1);
}

function saveDrafts() {
  const drafts = state.proposals.map(({ name, mode, form, json }) => ({ name, mode, form, json }));
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify({ month: $('month').value, proposals: drafts }));
}

function restoreDrafts() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(DRAFTS_KEY) ?? 'null');
    if (saved && Array.isArray(saved.proposals) && saved.proposals.length > 0) {
      state.proposals = saved.proposals.slice(0, MAX_PROPOSALS).map((draft) => ({
        ...newProposal(),
        name: String(draft.name ?? ''),
        mode: draft.mode === 'json' ? 'json' : 'form',
        form: draft.form ?? blankForm(),
        json: String(draft.json ?? ''),
      }));
      if (typeof saved.month === 'string') $('month').value = saved.month;
      return;
    }
  } catch {
    // A draft that does not read is dropped.
  }
  state.proposals = [newProposal()];
}

/**
 * The document a proposal stands for: `{ ok: true, document, aliases }`, or `{ ok: false }` with
 * its `errors` set to what must be corrected first (unreadable amounts, JSON that does not parse).
 */
function documentOf(proposal, index) {
  const label = labelOf(proposal, index);
  if (proposal.mode === 'form') {
    const { document, problems, aliases } = formToDocument(proposal.form, label);
    if (problems.length === 0) return { ok: true, document, aliases };
    proposal.errors = problems.map(({ path, kind }) => ({ source: 'form', path, kind }));
    return { ok: false };
  }
  const read = readJson(proposal.json);
  if (!read.ok) {
    proposal.errors = [{ source: 'json' }];
    return { ok: false };
  }
  const document = read.value.name === undefined ? { name: label, ...read.value } : read.value;
  return { ok: true, document, aliases: new Map() };
}

/**
 * An error as shown, in the page's language at the time: `field`, `message`, `original` (the
 * service's English, beside the Chinese), `path` in the document, and for JSON `line` and `column`.
 */
function describe(error, proposal) {
  const w = words();
  if (error.source === 'service') return describeFieldError(error, error.prefix);
  if (error.source === 'form') {
    const field = error.path.startsWith('operatingSubsidy.')
      ? w[error.path.slice('operatingSubsidy.'.length)]
      : fieldName(error.path);
    return { path: error.path, field, message: w.clientErrors[error.kind], original: null };
  }
  const read = readJson(proposal.json);
  if (read.ok) return null;
  if (!read.line) return { path: '', field: w.jsonLabel, message: read.message, original: null };
  return {
    path: '',
    field: w.json.syntax,
    message: read.detail,
    original: null,
    line: read.line,
    column: read.column,
  };
}

/** Every proposal's document, or `null` (each refused one then shows why). */
function gather() {
  const entries = state.proposals.map((proposal, index) => {
    const found = documentOf(proposal, index);
    if (found.ok) proposal.errors = [];
    return { proposal, index, label: labelOf(proposal, index), ...found };
  });
  for (const proposal of state.proposals) showErrors(proposal);
  if (entries.every((entry) => entry.ok)) return entries;
  $('run-message').textContent = words().fixFirst;
  focusFirstError();
  return null;
}

function focusFirstError() {
  const first = document.querySelector('.proposal .errors:not(:empty)');
  first?.closest('.proposal')?.scrollIntoView({ block: 'start' });
}

function loadTemplate(proposal, key) {
  proposal.errors = [];
  proposal.syntax = false;
  proposal.note = null;
  if (key === 'blank') {
    proposal.name = '';
    proposal.mode = 'form';
    proposal.form = blankForm();
    proposal.json = '';
  } else {
    const document = withoutIgnored(templates[key]);
    proposal.name = document.name;
    proposal.json = JSON.stringify(document, null, 2);
    const asForm = documentToForm(document);
    if (asForm.ok) {
      proposal.mode = 'form';
      proposal.form = asForm.form;
    } else {
      proposal.mode = 'json';
      proposal.note = asForm.why;
    }
  }
  redrawProposal(proposal);
  saveDrafts();
}

function whyText({ kind, detail }) {
  const say = words().notForFormKinds[kind];
  return typeof say === 'function' ? say(detail) : say;
}

function switchMode(proposal, index, mode) {
  if (proposal.mode === mode) return;
  proposal.note = null;
  if (mode === 'json') {
    const { document, problems } = formToDocument(proposal.form, labelOf(proposal, index));
    if (problems.length > 0) {
      documentOf(proposal, index);
      showErrors(proposal);
      return;
    }
    proposal.json = JSON.stringify(document, null, 2);
    proposal.mode = 'json';
    proposal.errors = [];
  } else {
    const read = readJson(proposal.json);
    if (!read.ok) {
      proposal.syntax = true;
      proposal.note = { kind: 'syntax' };
      redrawProposal(proposal);
      return;
    }
    const asForm = documentToForm(read.value);
    if (!asForm.ok) {
      proposal.note = asForm.why;
      redrawProposal(proposal);
      return;
    }
    proposal.form = asForm.form;
    if (asForm.name) proposal.name = asForm.name;
    proposal.mode = 'form';
    proposal.syntax = false;
  }
  redrawProposal(proposal);
  saveDrafts();
}

function drawProposals() {
  const columns = state.proposals.map((proposal, index) => proposalColumn(proposal, index));
  if (state.proposals.length < MAX_PROPOSALS) {
    const add = element('button', 'add-proposal', words().addProposal);
    add.type = 'button';
    add.dataset.testid = 'add-proposal';
    add.addEventListener('click', () => {
      state.proposals.push(newProposal());
      drawProposals();
      saveDrafts();
      document.querySelector('.proposal:last-of-type .proposal-name')?.focus();
    });
    columns.push(add);
  }
  $('proposals').replaceChildren(...columns);
}

function redrawProposal(proposal) {
  const index = state.proposals.indexOf(proposal);
  const old = document.querySelector(`.proposal[data-key="${proposal.key}"]`);
  if (index < 0 || !old) return drawProposals();
  old.replaceWith(proposalColumn(proposal, index));
}

function proposalColumn(proposal, index) {
  const w = words();
  const number = index + 1;
  const column = element('section', `proposal panel proposal-${number}`);
  column.dataset.key = String(proposal.key);
  column.dataset.testid = `proposal-${number}`;
  const titleId = `proposal-title-${proposal.key}`;
  column.setAttribute('aria-labelledby', titleId);

  const head = element('div', 'proposal-head');
  const title = element('h3', 'proposal-title', w.proposal(number));
  title.id = titleId;
  head.append(title);
  if (state.proposals.length > 1) {
    const remove = element('button', 'remove-proposal', '×');
    remove.type = 'button';
    remove.title = `${w.removeProposal}(${w.proposal(number)})`;
    remove.setAttribute('aria-label', remove.title);
    remove.addEventListener('click', () => {
      state.proposals.splice(index, 1);
      drawProposals();
      saveDrafts();
    });
    head.append(remove);
  }

  const nameId = `proposal-name-${proposal.key}`;
  const nameLabel = element('label', 'field-label', w.nameLabel);
  nameLabel.htmlFor = nameId;
  const name = element('input', 'proposal-name');
  name.id = nameId;
  name.type = 'text';
  name.maxLength = 40;
  name.autocomplete = 'off';
  name.placeholder = w.namePlaceholder;
  name.value = proposal.name;
  name.dataset.testid = 'proposal-name';
  name.addEventListener('input', () => {
    proposal.name = name.value;
    saveDrafts();
  });
  const nameField = element('div', 'field');
  nameField.append(nameLabel, name);

  const starts = element('div', 'start-from');
  starts.setAttribute('role', 'group');
  const startsLabel = element('span', 'field-label', w.startFrom);
  startsLabel.id = `start-from-${proposal.key}`;
  starts.setAttribute('aria-labelledby', startsLabel.id);
  starts.append(startsLabel);
  for (const key of [...TEMPLATE_KEYS, 'blank']) {
    const start = element('button', 'template', w.templates[key]);
    start.type = 'button';
    start.dataset.template = key;
    start.disabled = key !== 'blank' && !templates;
    start.addEventListener('click', () => loadTemplate(proposal, key));
    starts.append(start);
  }

  const modes = element('div', 'modes');
  modes.setAttribute('role', 'group');
  modes.setAttribute('aria-label', w.editMode);
  for (const [mode, text] of [
    ['form', w.modeForm],
    ['json', w.modeJson],
  ]) {
    const toggle = element('button', 'mode', text);
    toggle.type = 'button';
    toggle.dataset.mode = mode;
    toggle.setAttribute('aria-pressed', String(proposal.mode === mode));
    toggle.addEventListener('click', () => switchMode(proposal, index, mode));
    modes.append(toggle);
  }

  const note = element('p', 'note', proposal.note ? w.notForForm(whyText(proposal.note)) : '');
  note.dataset.testid = 'note';
  const errors = element('div', 'errors');
  errors.setAttribute('role', 'alert');
  errors.dataset.testid = 'errors';

  const editor = element('div', 'editor');
  const changed = () => saveDrafts();
  if (proposal.mode === 'form') {
    const redraw = () => {
      redrawProposal(proposal);
      saveDrafts();
    };
    drawForm(editor, proposal.form, changed, redraw);
  } else {
    const areaId = `proposal-json-${proposal.key}`;
    const label = element('label', 'field-label', w.jsonLabel);
    label.htmlFor = areaId;
    const area = element('textarea', 'json');
    area.id = areaId;
    area.spellcheck = false;
    area.rows = 24;
    area.setAttribute('wrap', 'off');
    area.value = proposal.json;
    area.dataset.testid = 'json';
    let timer = null;
    area.addEventListener('input', () => {
      proposal.json = area.value;
      // What the note said of the text before (the form cannot show it) may no longer hold.
      proposal.note = null;
      note.textContent = '';
      saveDrafts();
      clearTimeout(timer);
      timer = setTimeout(() => {
        proposal.syntax = area.value.trim() !== '' && !readJson(area.value).ok;
        showErrors(proposal);
      }, 300);
    });
    editor.append(label, area, element('p', 'hint', w.jsonHint));
  }

  column.append(head, nameField, starts, modes, note, errors, editor);
  proposal.view = { column, errors, editor };
  showErrors(proposal);
  return column;
}

/** The proposal's refusals beside it (Chinese first, the service's English in small), and the fields marked. */
function showErrors(proposal) {
  const view = proposal.view;
  if (!view) return;
  const w = words();
  const raw = proposal.syntax ? [{ source: 'json' }] : proposal.errors;
  const shown = raw.map((error) => describe(error, proposal)).filter((error) => error !== null);
  view.column.classList.toggle('refused', shown.length > 0);
  if (shown.length === 0) view.errors.replaceChildren();
  else {
    const list = element('ul');
    for (const error of shown) {
      const item = element('li');
      item.append(
        element('span', 'error-field', error.field),
        language() === 'en' ? ': ' : '：',
        element('span', 'error-message', error.message),
      );
      if (error.line) {
        const go = element('button', 'go', w.goTo);
        go.type = 'button';
        go.setAttribute('aria-label', w.goToLabel(error.line, error.column));
        go.addEventListener('click', () => goToJson(view.editor, error.line, error.column));
        item.append(go);
      }
      if (error.original) {
        const original = element('span', 'error-original', error.original);
        original.lang = 'en';
        item.append(original);
      }
      list.append(item);
    }
    view.errors.replaceChildren(element('p', 'errors-title', w.checkTitle), list);
  }
  for (const marked of view.editor.querySelectorAll('[aria-invalid]')) marked.removeAttribute('aria-invalid');
  for (const error of shown)
    for (const control of controlsOf(view.editor, error.path, proposal.aliases))
      control.setAttribute('aria-invalid', 'true');
}

/** The form's controls a document path names, or those of the nearest part that has any. */
function controlsOf(editor, path, aliases) {
  let wanted = path;
  for (const [from, to] of aliases ?? [])
    if (wanted.startsWith(from)) wanted = to + wanted.slice(from.length);
  const all = [...editor.querySelectorAll('[data-path]')];
  while (wanted) {
    const found = all.filter(
      (control) =>
        control.dataset.path === wanted ||
        control.dataset.path.startsWith(`${wanted}.`) ||
        control.dataset.path.startsWith(`${wanted}[`),
    );
    const fields = found.filter((control) => control.matches('input, select, fieldset'));
    const exact = fields.filter((control) => control.dataset.path === wanted);
    if (exact.length > 0) return exact;
    if (fields.length > 0) return fields;
    const shorter = wanted.replace(/(^|\.)[^.[\]]+$|\[\d+\]$/, '');
    if (shorter === wanted) break;
    wanted = shorter;
  }
  return [];
}

function goToJson(editor, line, column) {
  const area = editor.querySelector('textarea');
  if (!area) return;
  const lines = area.value.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
  area.focus();
  area.setSelectionRange(offset, Math.min(offset + 1, area.value.length));
}

/* ------------------------------------------------------------------------------ running */

function setBusy(busy) {
  for (const id of ['run', 'export', 'month', 'month-before', 'month-after']) $(id).disabled = busy;
  $('cancel').hidden = !busy;
  $('spinner').hidden = !busy;
}

function begin(kind, proposals) {
  const controller = new AbortController();
  const started = performance.now();
  const doing = () => (kind === 'export' ? words().exporting : words().running(proposals));
  const tick = () => {
    const seconds = Math.floor((performance.now() - started) / 1000);
    const text = `${doing()} ${words().elapsed(seconds)}`;
    if ($('progress-text').textContent !== text) $('progress-text').textContent = text;
  };
  tick();
  // Screen readers hear the start and the end, not every second.
  $('announce').textContent = doing();
  state.running = { controller, started, tick, timer: setInterval(tick, 250) };
  $('run-message').textContent = '';
  setBusy(true);
  return controller.signal;
}

/** What the progress line says once nothing runs: a key of the words and its arguments, kept for a language switch. */
function showStatus(key, ...args) {
  state.status = key ? { key, args } : null;
  drawStatus();
}

function drawStatus() {
  if (state.running) return;
  const say = state.status ? words()[state.status.key] : '';
  const text = typeof say === 'function' ? say(...state.status.args) : say;
  $('progress-text').textContent = text;
  $('announce').textContent = text;
}

/** Ends the progress; answers the seconds it took, to one decimal. */
function stopRunning() {
  if (!state.running) return '0';
  clearInterval(state.running.timer);
  const seconds = ((performance.now() - state.running.started) / 1000).toFixed(1);
  state.running = null;
  setBusy(false);
  showStatus(null);
  return seconds;
}

function cancelRun() {
  state.running?.controller.abort();
}

/** The service's refusal of a proposal, beside it; `prefix` is where its document stands in the request. */
function refuse(entry, errors, prefix) {
  entry.proposal.errors = errors.map(({ path, message }) => ({ source: 'service', path, message, prefix }));
  entry.proposal.aliases = entry.aliases;
  showErrors(entry.proposal);
}

async function run() {
  if (state.running) return;
  const month = chosenMonth();
  if (!month) return;
  const entries = gather();
  if (!entries) return;
  const signal = begin('run', entries.length);
  let outcomes;
  try {
    outcomes = await Promise.all(
      entries.map(async (entry) => {
        const response = await send('/api/v1/simulations', {
          body: { month, policy: entry.document },
          signal,
        });
        if (response.ok) return { ...entry, answer: await response.json() };
        if (response.status !== 400) throw new Refusal(response.status);
        const problem = await response.json();
        if ((problem.errors ?? []).some((error) => error.path === 'month')) throw new Refusal('month');
        return { ...entry, refused: problem.errors ?? [{ path: 'policy', message: problem.detail ?? '' }] };
      }),
    );
  } catch (error) {
    stopRunning();
    if (error.name === 'AbortError') showStatus('cancelled');
    else if (error.status === 'month') $('run-message').textContent = words().badMonth;
    else failed(error);
    return;
  }
  const seconds = stopRunning();
  for (const outcome of outcomes) if (outcome.refused) refuse(outcome, outcome.refused, 'policy');
  const passed = outcomes.filter((outcome) => outcome.answer);
  showStatus(passed.length > 0 ? 'finished' : null, seconds);
  if (passed.length === 0) {
    $('run-message').textContent = words().allRefused;
    focusFirstError();
    return;
  }
  state.results = {
    month,
    refused: passed.length < outcomes.length,
    entries: passed.map(({ index, label, document, answer }) => ({ index, label, document, answer })),
  };
  drawResults();
  $('results').scrollIntoView({ block: 'start' });
  $('results').focus({ preventScroll: true });
}

/** `attachment; filename="simulation-2026-10.xlsx"` → `simulation-2026-10.xlsx`. */
function filenameOf(disposition, fallback) {
  const encoded = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition ?? '');
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition ?? '');
  return plain ? plain[1].trim() : fallback;
}

async function exportWorkbook() {
  if (state.running) return;
  const month = chosenMonth();
  if (!month) return;
  const entries = gather();
  if (!entries) return;
  const signal = begin('export', entries.length);
  try {
    const response = await send('/api/v1/simulations/export.xlsx', {
      body: { month, proposals: entries.map((entry) => ({ label: entry.label, policy: entry.document })) },
      signal,
    });
    if (response.status === 400) {
      stopRunning();
      const problem = await response.json();
      for (const error of problem.errors ?? []) {
        if (error.path === 'month') $('run-message').textContent = words().badMonth;
        const at = /^proposals\[(\d+)\]/.exec(error.path);
        const entry = at ? entries[Number(at[1])] : undefined;
        if (entry) {
          const prefix = `proposals[${at[1]}].policy`;
          const mine = (problem.errors ?? []).filter((other) => other.path.startsWith(`proposals[${at[1]}]`));
          refuse(entry, mine, prefix);
        }
      }
      if (!$('run-message').textContent) $('run-message').textContent = words().fixFirst;
      focusFirstError();
      return;
    }
    if (!response.ok) throw new Refusal(response.status);
    const blob = await response.blob();
    const name = filenameOf(response.headers.get('content-disposition'), `simulation-${month}.xlsx`);
    downloadFile(blob, name);
    stopRunning();
    showStatus('exported', name);
  } catch (error) {
    stopRunning();
    if (error.name === 'AbortError') showStatus('cancelled');
    else failed(error);
  }
}

/* ------------------------------------------------------------------------------ the results */

function proposalHeading(entry) {
  const w = words();
  const heading = element('th', `proposal-column proposal-${entry.index + 1}`);
  heading.scope = 'col';
  heading.dataset.column = String(entry.index + 1);
  heading.append(
    element('span', 'tag', w.proposal(entry.index + 1)),
    element('span', 'proposal-label', entry.label),
  );
  return heading;
}

function headRow(first, entries) {
  const w = words();
  const row = element('tr');
  const corner = element('th', 'row-label', first);
  corner.scope = 'col';
  const recorded = element('th', 'recorded-column', w.recorded);
  recorded.scope = 'col';
  recorded.dataset.column = 'recorded';
  row.append(corner, recorded);
  row.append(...entries.map(proposalHeading));
  return row;
}

function valueCell(column, text) {
  const cell = element('td', 'figure');
  cell.dataset.column = column;
  cell.append(element('span', 'value', text));
  return cell;
}

/** A proposal's figure with its change from the month as recorded (coloured, with its sign). */
function changeCell(column, after, before, asMoney) {
  const cell = valueCell(column, asMoney ? money(after) : count(after));
  const difference = change(after - before, asMoney);
  const note = element(
    'span',
    `change ${after > before ? 'up' : after < before ? 'down' : 'same'}`,
    difference ?? words().noChange,
  );
  cell.append(note);
  return cell;
}

function rowHeading(text, detail) {
  const heading = element('th', 'row-label', text);
  heading.scope = 'row';
  if (detail) heading.append(element('span', 'row-detail', detail));
  return heading;
}

function fillTable(table, head, rows) {
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...rows);
}

function drawResults() {
  const results = state.results;
  if (!results) return;
  const w = words();
  const { entries } = results;
  const baseline = entries[0].answer.baseline;
  $('results').hidden = false;
  $('results-title').textContent = w.resultsTitle(results.month);
  $('results-message').textContent = results.refused ? w.someRefused : '';

  fillTable(
    $('totals'),
    headRow(w.figure, entries),
    FIGURES.map(([key, asMoney]) => {
      const row = element('tr');
      row.dataset.figure = key;
      row.append(
        rowHeading(w.figures[key]),
        valueCell('recorded', asMoney ? money(baseline[key]) : count(baseline[key])),
        ...entries.map((entry) =>
          changeCell(String(entry.index + 1), entry.answer.proposed[key], baseline[key], asMoney),
        ),
      );
      return row;
    }),
  );

  $('elders-title').textContent = w.eldersTitle;
  const { elders } = entries[0].answer;
  const served = element('tr');
  served.dataset.elders = 'served';
  served.append(
    rowHeading(w.elders.served),
    valueCell('recorded', count(elders.affected + elders.unchanged)),
    ...entries.map((entry) => valueCell(String(entry.index + 1), '')),
  );
  fillTable($('elders'), headRow('', entries), [
    served,
    ...ELDER_ROWS.map((key) => {
      const row = element('tr');
      row.dataset.elders = key;
      row.append(
        rowHeading(w.elders[key]),
        valueCell('recorded', ''),
        ...entries.map((entry) => {
          const cell = valueCell(String(entry.index + 1), count(entry.answer.elders[key]));
          cell.classList.add(`elders-${key}`);
          return cell;
        }),
      );
      return row;
    }),
  ]);

  drawSources(entries, baseline);
  drawCanteens(entries);
  drawRules(entries);
  requestAnimationFrame(resizeCharts);
}

function seriesNames(entries) {
  const w = words();
  const short = (text) => (text.length > 10 ? `${text.slice(0, 10)}…` : text);
  return [w.recorded, ...entries.map((entry) => `${w.proposal(entry.index + 1)} ${short(entry.label)}`)];
}

function drawSources(entries, baseline) {
  const w = words();
  const fenOf = (figures) => new Map(figures.bySource.map((part) => [part.source, part.fen]));
  const before = fenOf(baseline);
  const afters = entries.map((entry) => fenOf(entry.answer.proposed));
  const sources = [...new Set([...before.keys(), ...afters.flatMap((after) => [...after.keys()])])];
  $('by-source-title').textContent = w.bySourceTitle;
  $('source-chart').setAttribute('aria-label', w.bySourceChart);
  $('source-chart').hidden = sources.length === 0;
  if (sources.length > 0) {
    const names = seriesNames(entries);
    drawComparison($('source-chart'), {
      categories: sources.map(sourceLabel),
      series: [before, ...afters].map((fen, series) => ({
        name: names[series],
        data: sources.map((source) => fen.get(source) ?? 0),
      })),
    });
  }
  const rows =
    sources.length === 0
      ? [emptyRow(w.noneSubsidised, entries.length + 2)]
      : sources.map((source) => {
          const row = element('tr');
          row.dataset.source = source;
          const was = before.get(source) ?? 0;
          row.append(
            rowHeading(sourceLabel(source)),
            valueCell('recorded', money(was)),
            ...entries.map((entry, index) =>
              changeCell(String(entry.index + 1), afters[index].get(source) ?? 0, was, true),
            ),
          );
          return row;
        });
  fillTable($('by-source'), headRow(w.sourceColumn, entries), rows);
}

function emptyRow(text, columns) {
  const row = element('tr');
  const cell = element('td', 'muted', text);
  cell.colSpan = columns;
  row.append(cell);
  return row;
}

function drawCanteens(entries) {
  const w = words();
  $('by-canteen-title').textContent = w.byCanteenTitle;
  $('canteen-chart').setAttribute('aria-label', w.byCanteenChart);
  const canteens = new Map();
  entries.forEach((entry, series) => {
    for (const canteen of entry.answer.canteens) {
      const known = canteens.get(canteen.canteenId) ?? {
        name: canteen.name,
        before: canteen.baseline.reimbursementFen,
        after: entries.map(() => 0),
      };
      known.after[series] = canteen.proposed.reimbursementFen;
      canteens.set(canteen.canteenId, known);
    }
  });
  const all = [...canteens.values()];
  const largest = (canteen) => Math.max(...canteen.after.map((after) => Math.abs(after - canteen.before)));
  const shown =
    all.length > TOP_CANTEENS ? [...all].sort((a, b) => largest(b) - largest(a)).slice(0, TOP_CANTEENS) : all;
  $('canteen-note').textContent = all.length > TOP_CANTEENS ? w.topCanteens(shown.length, all.length) : '';
  $('canteen-chart').hidden = shown.length === 0;
  if (shown.length === 0) return;
  const chart = $('canteen-chart');
  chart.style.height = `${Math.max(260, 70 + shown.length * (entries.length + 1) * 16 + shown.length * 14)}px`;
  const names = seriesNames(entries);
  drawComparison(chart, {
    horizontal: true,
    categories: shown.map((canteen) => canteen.name),
    series: [
      { name: names[0], data: shown.map((canteen) => canteen.before) },
      ...entries.map((_entry, series) => ({
        name: names[series + 1],
        data: shown.map((canteen) => canteen.after[series]),
      })),
    ],
  });
}

function drawRules(entries) {
  const w = words();
  $('by-rule-title').textContent = w.byRuleTitle;
  const labels = new Map();
  for (const entry of entries)
    for (const rule of entry.document.rules ?? [])
      if (rule?.label && !labels.has(rule.ruleId)) labels.set(rule.ruleId, rule.label);
  // The service names the rules the proposals leave unlabelled by the recorded policies' labels.
  for (const entry of entries)
    for (const rule of entry.answer.byRule)
      if (rule.name && !labels.has(rule.ruleId)) labels.set(rule.ruleId, rule.name);
  const ruleIds = [...new Set(entries.flatMap((entry) => entry.answer.byRule.map((rule) => rule.ruleId)))];
  const rows = ruleIds.map((ruleId) => {
    const row = element('tr');
    row.dataset.rule = ruleId;
    const of = entries.map((entry) => entry.answer.byRule.find((rule) => rule.ruleId === ruleId));
    const before = of.find((rule) => rule)?.baselineFen ?? 0;
    const label = labels.get(ruleId);
    row.append(
      rowHeading(label ?? ruleId, label && label !== ruleId ? ruleId : undefined),
      valueCell('recorded', money(before)),
      ...entries.map((entry, index) =>
        of[index]
          ? changeCell(String(entry.index + 1), of[index].proposedFen, of[index].baselineFen, true)
          : valueCell(String(entry.index + 1), w.notInPolicy),
      ),
    );
    return row;
  });
  fillTable(
    $('by-rule'),
    headRow(w.ruleColumn, entries),
    rows.length > 0 ? rows : [emptyRow(w.noneSubsidised, entries.length + 2)],
  );
}

/* ------------------------------------------------------------------------------ the page */

function drawAll() {
  applyWords();
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  drawViewer();
  if (state.running) state.running.tick();
  else drawStatus();
  if (!$('workspace').hidden) {
    drawProposals();
    if (state.results) drawResults();
  }
}

async function loadTemplates() {
  try {
    const response = await fetch('/dashboard/assets/policy-templates.json');
    if (response.ok) templates = await response.json();
  } catch {
    templates = null;
  }
  if (!$('workspace').hidden) drawProposals();
}

wireSignIn({ words, signIn: signedIn, signOut: showSignIn });
$('lang').addEventListener('click', () => {
  switchLanguage();
  drawAll();
});
$('month').addEventListener('change', monthChanged);
$('month-before').addEventListener('click', () => moveMonth(-1));
$('month-after').addEventListener('click', () => moveMonth(1));
$('run').addEventListener('click', run);
$('export').addEventListener('click', exportWorkbook);
$('cancel').addEventListener('click', cancelRun);
window.addEventListener('resize', resizeCharts);

restoreDrafts();
drawAll();
loadTemplates();
if (token()) signedIn();
else showSignIn();
// Canvas text uses the page's font only once it has loaded.
document.fonts.ready.then(() => {
  if (state.results && !$('workspace').hidden) drawResults();
});
