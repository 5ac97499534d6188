import {
  api,
  choice,
  el,
  field,
  formMessage,
  problemText,
  shanghaiTime,
  table,
  until,
} from './registry-kit.js';
import { words } from './registry-words.js';

/**
 * 终端: the counter terminals with their status (as the dashboard shows it), and, for admins,
 * registering one and issuing it a new token; a token is shown once, with a button to copy it.
 */
export function mount(root, { session, refreshSession, canAct, message }) {
  const state = {
    values: { terminalId: '', canteenId: session.canteens[0]?.canteenId ?? '' },
    formError: '',
    /** The token just issued: shown until the clerk closes it. */
    issued: null,
    copyNote: '',
    listError: '',
  };

  const canteenName = (canteenId) =>
    session.canteens.find((canteen) => canteen.canteenId === canteenId)?.name ?? canteenId;

  function statusText(terminal) {
    const say = words().terminalStatus[terminal.status];
    if (terminal.status === 'offline') return say(session.offlineAfterHours);
    if (terminal.status === 'queued') return say(terminal.queuedSales);
    return say();
  }

  async function register(event) {
    event.preventDefault();
    const w = words();
    const terminalId = state.values.terminalId.trim();
    if (!terminalId) {
      state.formError = w.required(w.terminalIdLabel);
      return draw();
    }
    let answer;
    try {
      answer = await api('PUT', `/api/v1/terminals/${encodeURIComponent(terminalId)}`, {
        canteenId: state.values.canteenId,
      });
    } catch (error) {
      state.formError = problemText(error);
      return draw();
    }
    state.formError = '';
    state.values.terminalId = '';
    issue(answer.terminalId, answer.token);
    // The list comes from the read models, a moment behind the registration.
    await until(refreshSession, (shown) =>
      shown.terminals.some((terminal) => terminal.terminalId === terminalId),
    );
    draw();
  }

  async function rotate(terminalId) {
    const w = words();
    if (!confirm(w.rotateConfirm(terminalId))) return;
    try {
      const answer = await api('POST', `/api/v1/terminals/${encodeURIComponent(terminalId)}/token`);
      issue(answer.terminalId, answer.token);
    } catch (error) {
      state.listError = problemText(error);
    }
    draw();
  }

  function issue(terminalId, token) {
    state.issued = { terminalId, token };
    state.copyNote = '';
    draw();
    root.querySelector('.token-box input')?.select();
  }

  async function copy() {
    const w = words();
    const input = root.querySelector('.token-box input');
    try {
      await navigator.clipboard.writeText(state.issued.token);
      state.copyNote = w.copied;
    } catch {
      // Pages served over plain HTTP have no clipboard API: the selection, copied the old way.
      input.select();
      state.copyNote = document.execCommand('copy') ? w.copied : w.copyFailed;
    }
    root.querySelector('.token-box .copy-note').textContent = state.copyNote;
  }

  function drawToken() {
    const w = words();
    const issued = state.issued;
    return el(
      'section',
      {
        class: 'panel token-box',
        role: 'alertdialog',
        'aria-labelledby': 'token-title',
        dataset: { testid: 'token' },
      },
      el('h2', { id: 'token-title' }, w.tokenTitle(issued.terminalId)),
      el('p', { class: 'warning' }, w.tokenHintOnce),
      el(
        'div',
        { class: 'inline-form' },
        el('input', {
          type: 'text',
          readonly: true,
          value: issued.token,
          class: 'mono token',
          'aria-label': w.tokenTitle(issued.terminalId),
          dataset: { testid: 'token-value' },
        }),
        el('button', { type: 'button', onclick: copy }, w.copy),
        el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              state.issued = null;
              draw();
            },
          },
          w.close,
        ),
      ),
      el('p', { class: 'copy-note', role: 'status' }, state.copyNote),
    );
  }

  function drawRegister() {
    const w = words();
    const v = state.values;
    return el(
      'section',
      { class: 'panel', 'aria-labelledby': 'register-title' },
      el('h2', { id: 'register-title' }, w.registerTerminal),
      el(
        'form',
        {
          class: 'inline-form',
          onsubmit: register,
          novalidate: true,
          dataset: { testid: 'register-terminal' },
        },
        field(w.terminalIdLabel, {
          value: v.terminalId,
          oninput: (event) => {
            v.terminalId = event.target.value;
          },
        }),
        choice(
          w.canteenLabel,
          session.canteens.map((canteen) => [canteen.canteenId, canteen.name]),
          {
            value: v.canteenId,
            onchange: (event) => {
              v.canteenId = event.target.value;
            },
          },
        ),
        el('button', { type: 'submit', class: 'primary' }, w.registerSubmit),
      ),
      formMessage(state.formError),
    );
  }

  function drawList() {
    const w = words();
    const rows = session.terminals.map((terminal) =>
      el(
        'tr',
        { dataset: { terminal: terminal.terminalId } },
        el('td', { class: 'mono' }, terminal.terminalId),
        el('td', {}, canteenName(terminal.canteenId)),
        el('td', {}, terminal.lastContactAt ? shanghaiTime(terminal.lastContactAt) : w.never),
        el('td', {}, el('span', { class: `status status-${terminal.status}` }, statusText(terminal))),
        el(
          'td',
          {},
          canAct()
            ? el(
                'button',
                { type: 'button', class: 'link', onclick: () => rotate(terminal.terminalId) },
                w.rotate,
              )
            : null,
        ),
      ),
    );
    return el(
      'section',
      { class: 'panel', 'aria-labelledby': 'terminals-title' },
      el('h2', { id: 'terminals-title' }, w.terminalListTitle),
      el('p', { class: 'message', role: 'alert' }, state.listError),
      rows.length === 0
        ? el('p', { class: 'muted' }, w.noTerminals)
        : table(w.terminalCols, rows, { class: 'registry-table', dataset: { testid: 'terminal-list' } }),
    );
  }

  function draw() {
    message('');
    root.replaceChildren(
      ...[state.issued ? drawToken() : null, canAct() ? drawRegister() : null, drawList()].filter(Boolean),
    );
  }

  return { draw };
}
