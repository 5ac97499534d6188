import { $, downloadFile, element } from './dom.js';
import { refusalText as dashboardRefusalText, language, switchLanguage } from './i18n.js';
import { applyWords, fileRefusal, sizeText, words } from './import-words.js';
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

/**
 * 名单导入: an admin downloads the template, chooses a roster (XLSX), checks it (a dry run: the
 * service's report, nothing written), then imports the very bytes that were checked and reads the
 * final report. Other bureau roles are told that only the admin imports.
 */

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OUTCOMES = ['created', 'updated', 'unchanged', 'refused'];
/** The service's limit for a document body (settlement-service/http/json-body.ts): larger is refused 413. */
const MAX_BYTES = 32 * 1024 * 1024;
/** Rows drawn at most at once: a district's roster can hold thousands. */
const MAX_SHOWN = 1000;

const state = {
  viewer: null,
  /** The file chosen: `{ name, size, bytes }`, its bytes read once so that the import sends what was checked. */
  file: null,
  /** The file the last dry run checked (the same object as `file` while it stays chosen), or null. */
  checked: null,
  /** The last report: `{ fileName, answer }`. */
  report: null,
  filter: 'all',
  /** 'check' | 'import' | 'template' while a request runs. */
  busy: null,
  /** What the progress line says: `{ kind, values }`, drawn in the page's language. */
  status: null,
  /** The last refusal of the whole file: `{ status, problem }` or `{ error }`. */
  refusal: null,
  /** The template's download: `{ saved: true }`, `{ error }` or null. */
  template: null,
};

/* -------------------------------------------------------------------------------- the session */

const refusalText = (error) => dashboardRefusalText(error, words());

function showSignIn(message = '') {
  state.viewer = null;
  $('workspace').hidden = true;
  $('viewer').textContent = '';
  showSignInForm(message);
}

/** Checks the token with the dashboard's answer, which says who is signed in. */
async function signedIn() {
  let answer;
  try {
    answer = await (await ask('/api/v1/dashboard')).json();
  } catch (error) {
    if (error.status === 401 || error.status === 403) return showSignIn(refusalText(error));
    return sayAtSignIn(refusalText(error));
  }
  state.viewer = answer.viewer;
  showSignedIn();
  $('workspace').hidden = false;
  drawAll();
}

const isAdmin = () => state.viewer?.role === 'admin';

function drawViewer() {
  showViewer(state.viewer, words().roles);
}

/* ------------------------------------------------------------------------------ the template */

async function downloadTemplate() {
  if (state.busy) return;
  state.busy = 'template';
  state.template = null;
  drawAll();
  try {
    const response = await request('/api/v1/elders/import/template.xlsx');
    if (response.status === 401) return showSignIn(refusalText(new Refusal(401)));
    if (!response.ok) throw new Refusal(response.status);
    downloadFile(await response.blob(), words().templateFile);
    state.template = { saved: true };
  } catch (error) {
    state.template = { error };
  } finally {
    state.busy = null;
    drawAll();
  }
}

function drawTemplate() {
  const w = words();
  const { template } = state;
  $('template-status').textContent = template?.saved ? w.templateSaved(w.templateFile) : '';
  const error = template?.error;
  $('template-message').textContent = !error ? '' : error.status === 403 ? w.notAllowed : refusalText(error);
}

/* ------------------------------------------------------------------------------- the roster */

async function fileChosen() {
  const chosen = $('file').files?.[0];
  state.file = null;
  state.checked = null;
  state.report = null;
  state.refusal = null;
  state.status = null;
  state.filter = 'all';
  if (chosen) {
    const bytes = await chosen.arrayBuffer();
    // Another choice made while this one was read wins.
    if ($('file').files?.[0] !== chosen) return;
    state.file = { name: chosen.name, size: chosen.size, bytes };
  }
  drawAll();
}

/**
 * Sends the chosen file's bytes: a dry run (`check`) or the import. Answers the report, or null
 * with the refusal drawn (the whole file refused, or the request failed).
 */
async function submit(kind) {
  if (state.busy) return;
  const file = state.file;
  if (!file) {
    state.status = { kind: 'chooseFirst' };
    return drawStatus();
  }
  if (file.size === 0) {
    state.status = { kind: 'emptyFile' };
    return drawStatus();
  }
  if (file.size > MAX_BYTES) {
    // Refused as the service would, without sending 32 MB first.
    state.refusal = { status: 413, problem: null };
    state.status = null;
    return drawAll();
  }
  if (kind === 'import' && state.checked !== file) {
    state.status = { kind: 'checkFirst' };
    return drawStatus();
  }
  state.busy = kind;
  state.refusal = null;
  state.status = { kind: kind === 'check' ? 'checking' : 'importing' };
  drawAll();
  try {
    const response = await request(`/api/v1/elders/import${kind === 'check' ? '?dryRun=true' : ''}`, {
      method: 'POST',
      body: file.bytes,
      contentType: XLSX_TYPE,
      // The page words a refused file itself from the service's English detail (import-words.js).
      language: 'en',
    });
    if (response.status === 401) return showSignIn(refusalText(new Refusal(401)));
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      state.refusal = { status: response.status, problem };
      state.report = null;
      state.checked = null;
      state.status = null;
      return;
    }
    const answer = await response.json();
    // A file chosen meanwhile is not the one reported on.
    if (state.file !== file) return;
    state.report = { fileName: file.name, answer };
    state.filter = 'all';
    const { created, updated, unchanged, refused } = answer.summary;
    if (answer.dryRun) {
      // Importing rows found unchanged writes nothing, and says so row by row: allowed.
      state.checked = created + updated + unchanged > 0 ? file : null;
      state.status =
        created + updated > 0
          ? { kind: 'willImport', values: [created, updated, refused] }
          : unchanged > 0
            ? { kind: 'allUnchanged', values: [refused] }
            : { kind: 'nothingToImport' };
    } else {
      // Imported: a further import starts with a further check.
      state.checked = null;
      state.status = { kind: 'imported', values: [created, updated, unchanged, refused] };
    }
  } catch (error) {
    state.refusal = { error };
    state.status = null;
  } finally {
    state.busy = null;
    drawAll();
  }
  if (state.report) {
    $('report').scrollIntoView({ block: 'start' });
    $('report').focus({ preventScroll: true });
  }
}

/* ------------------------------------------------------------------------------- the drawing */

function drawButtons() {
  const busy = state.busy !== null;
  $('template').disabled = busy;
  $('check').disabled = busy;
  $('file').disabled = busy;
  $('import').disabled = busy || !state.file || state.checked !== state.file;
  $('spinner').hidden = state.busy !== 'check' && state.busy !== 'import';
}

function drawStatus() {
  const w = words();
  const { status } = state;
  const say = status ? w[status.kind] : '';
  $('progress').textContent = typeof say === 'function' ? say(...(status.values ?? [])) : (say ?? '');
  $('progress').dataset.kind = status?.kind ?? '';
}

function drawFile() {
  const w = words();
  const { file } = state;
  $('file-status').textContent = file ? w.chosen(file.name, sizeText(file.size)) : w.noFile;
}

function drawRefusal() {
  const w = words();
  const box = $('run-message');
  const { refusal } = state;
  if (!refusal) return box.replaceChildren();
  if (refusal.error) return box.replaceChildren(element('p', '', refusalText(refusal.error)));
  if (refusal.status === 403) return box.replaceChildren(element('p', '', w.notAllowed));
  const said = fileRefusal(refusal.status, refusal.problem);
  if (!said) return box.replaceChildren(element('p', '', refusalText(new Refusal(refusal.status))));
  const lines = [element('p', '', `${w.fileRefused}${said.text}`)];
  if (said.original) lines.push(element('p', 'original', `${w.serviceSays}${said.original}`));
  box.replaceChildren(...lines);
}

/** The rows in the order shown: refused first, then by their place in the sheet. */
function ordered(rows) {
  return [...rows].sort(
    (a, b) => Number(b.outcome === 'refused') - Number(a.outcome === 'refused') || a.row - b.row,
  );
}

function drawReport() {
  const { report } = state;
  $('report').hidden = !report;
  if (!report) return;
  const w = words();
  const { answer } = report;
  $('report').dataset.dryRun = String(answer.dryRun);
  $('report-title').textContent = answer.dryRun ? w.reportDryRun : w.reportImported;
  $('report-file').textContent = w.reportFile(report.fileName);

  $('summary').replaceChildren(
    ...OUTCOMES.map((outcome) => {
      const card = element('div', `count outcome-${outcome}`);
      card.dataset.outcome = outcome;
      card.append(
        element('span', 'label', w.outcomes[outcome]),
        element('span', 'value', String(answer.summary[outcome])),
      );
      return card;
    }),
  );

  $('filters').replaceChildren(
    ...['all', ...OUTCOMES].map((filter) => {
      const count =
        filter === 'all' ? answer.rows.length : answer.rows.filter((row) => row.outcome === filter).length;
      const button = element(
        'button',
        `filter-button filter-${filter}`,
        `${filter === 'all' ? w.filterAll : w.outcomes[filter]} ${count}`,
      );
      button.type = 'button';
      button.dataset.filter = filter;
      button.setAttribute('aria-pressed', String(state.filter === filter));
      button.addEventListener('click', () => {
        state.filter = filter;
        drawReport();
      });
      return button;
    }),
  );
  $('order-note').textContent = answer.summary.refused > 0 && state.filter === 'all' ? w.refusedFirst : '';

  const head = element('tr');
  head.append(
    ...w.columns.map((text) => {
      const cell = element('th', '', text);
      cell.scope = 'col';
      return cell;
    }),
  );
  const chosen = ordered(answer.rows.filter((row) => state.filter === 'all' || row.outcome === state.filter));
  const shown = chosen.slice(0, MAX_SHOWN);
  $('rows-note').textContent = chosen.length > shown.length ? w.shownFirst(shown.length, chosen.length) : '';
  const body =
    shown.length === 0
      ? [emptyRow(answer.rows.length === 0 ? w.noRows : w.noneOfKind)]
      : shown.map((row) => reportRow(row, w));
  $('rows').tHead.replaceChildren(head);
  $('rows').tBodies[0].replaceChildren(...body);
}

function reportRow(row, w) {
  const line = element('tr', `outcome-${row.outcome}`);
  line.dataset.row = String(row.row);
  line.dataset.outcome = row.outcome;
  const reasons = element('td', 'reasons');
  if (row.reasons.length > 0) {
    const list = element('ul');
    list.append(
      ...row.reasons.map((reason) => {
        const item = element('li', '', language() === 'en' ? reason.en : reason.zh);
        item.dataset.code = reason.code;
        return item;
      }),
    );
    reasons.append(list);
  } else reasons.textContent = w.none;
  line.append(
    element('td', 'number', String(row.row)),
    element('td', 'id-number', row.idNumberMasked || w.none),
    element('td', 'elder-id', row.elderId ?? w.none),
    outcomeCell(row.outcome, w),
    reasons,
  );
  return line;
}

function outcomeCell(outcome, w) {
  const cell = element('td', 'outcome');
  cell.append(element('span', `outcome-tag outcome-${outcome}`, w.outcomes[outcome]));
  return cell;
}

function emptyRow(text) {
  const row = element('tr');
  const cell = element('td', 'muted', text);
  cell.colSpan = 5;
  row.append(cell);
  return row;
}

function drawAll() {
  applyWords();
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  drawViewer();
  if ($('workspace').hidden) return;
  $('admin-only').hidden = isAdmin();
  $('importer').hidden = !isAdmin();
  if (!isAdmin()) {
    $('report').hidden = true;
    return;
  }
  drawButtons();
  drawTemplate();
  drawFile();
  drawStatus();
  drawRefusal();
  drawReport();
}

/* -------------------------------------------------------------------------------- the page */

wireSignIn({ words, signIn: signedIn, signOut: showSignIn });
$('lang').addEventListener('click', () => {
  switchLanguage();
  drawAll();
});
$('template').addEventListener('click', downloadTemplate);
$('file').addEventListener('change', fileChosen);
$('check').addEventListener('click', () => submit('check'));
$('import').addEventListener('click', () => submit('import'));

drawAll();
if (token()) signedIn();
else showSignIn();
