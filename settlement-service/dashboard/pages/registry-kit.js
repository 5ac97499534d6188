import { refusalText } from './i18n.js';
import { words } from './registry-words.js';
import { jsonOf, refusalOf, request } from './session.js';

/** What the registry pages share: requests with the bureau token, the DOM and the refusals in words. */

/** Set by the shell: what a 401 does (back to the sign-in). */
let onSignedOut = () => {};
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/** Sends a request with the bureau token; answers the parsed body, throws a `Refusal` otherwise. */
export async function api(method, path, body) {
  const response = await request(path, { method, json: body });
  if (!response.ok) {
    const refusal = await refusalOf(response);
    if (refusal.status === 401) onSignedOut(refusalText(refusal, words()));
    throw refusal;
  }
  return jsonOf(response);
}

/** A refusal as the clerk reads it: the code's words when the page has them, else the status. */
export function problemText(error) {
  const w = words();
  const code = error.problem?.code;
  if (code && w.problems[code]) return w.problems[code];
  return refusalText(error, w);
}

/** Asks again until `check` holds of the answer: the read models answer a moment behind the writes. */
export async function until(read, check, { tries = 25, everyMs = 200 } = {}) {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    try {
      const answer = await read();
      if (check(answer)) return answer;
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return null;
}

/** `el('td', { class: 'number' }, 'text', child)`: attributes, then children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A form's 保存 (submit) and 取消 buttons; `cancel` closes the form. */
export function saveAndCancel(w, cancel) {
  return [
    el('button', { type: 'submit', class: 'primary' }, w.save),
    el('button', { type: 'button', class: 'secondary', onclick: cancel }, w.cancel),
  ];
}

/** A form's buttons in their row: 保存 and 取消 (`cancel` closes the form). */
export function formActions(w, cancel) {
  return el('div', { class: 'actions' }, ...saveAndCancel(w, cancel));
}

/** Where a form's refusal shows (`clearFormMessage` empties it). */
export function formMessage(text) {
  return el('p', { class: 'message', role: 'alert', dataset: { testid: 'form-message' } }, text);
}

/** A refusal stands until the clerk changes something: then it goes, without drawing the form again. */
export function clearFormMessage(root) {
  const shown = root.querySelector('[data-testid=form-message]');
  if (shown) shown.textContent = '';
}

/** Why a record could not be read, in a panel; nothing when it could. */
export function recordErrorPanel(text) {
  return text ? el('section', { class: 'panel' }, el('p', { class: 'message', role: 'alert' }, text)) : null;
}

/** A table with its header row and one row per entry. */

export function table(columns, rows, attributes = {}) {
  return el(
    'table',
    attributes,
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map((column) => el('th', { scope: 'col' }, column)),
      ),
    ),
    el('tbody', {}, rows),
  );
}

/** A labelled input: `field('姓名', { name: 'name' })`. */
export function field(label, attributes = {}, hint) {
  const id = attributes.id ?? `f-${Math.random().toString(36).slice(2, 9)}`;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    el('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attributes, id }),
    hint ? el('span', { class: 'hint' }, hint) : null,
  );
}

/** A labelled select with its options as [value, text]. */
export function choice(label, options, attributes = {}) {
  const id = attributes.id ?? `f-${Math.random().toString(36).slice(2, 9)}`;
  const selected = attributes.value;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    el(
      'select',
      { ...attributes, value: undefined, id },
      options.map(([value, text]) => el('option', { value, selected: value === selected }, text)),
    ),
  );
}

/** An instant as a Shanghai date and time, `2026-11-20 10:05`, whatever the browser's zone. */
const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
export function shanghaiTime(iso) {
  if (!iso) return words().none;
  const parts = Object.fromEntries(
    SHANGHAI.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Yuan as typed (`12`, `12.5`, `12.50`) in fen, without floating point; null when not money. */
export function fenOf(text) {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Fen as the price input shows it: 1250 → 12.50. */
export function yuanText(fen) {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** Why a typed ID number cannot be one (the service checks it again), or null. */
export function idNumberProblem(text) {
  const number = text.trim().toUpperCase();
  if (number.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(number)) return 'characters';
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(number[index]), 0);
  return '10X98765432'[sum % 11] === number[17] ? null : 'checkDigit';
}
