import { api, el, field, problemText, saveAndCancel, table } from './registry-kit.js';
import { words } from './registry-words.js';

/**
 * 资金来源: the funding sources the policies name, with their names in Chinese and English
 * (`GET /api/v1/funding-sources`), and, for admins, naming one (`PUT /api/v1/funding-sources/{sourceId}`).
 */
export function mount(root, { canAct, message }) {
  const state = { sources: null, error: '', editing: null, values: {}, formError: '', notice: '' };

  async function load() {
    state.error = '';
    try {
      state.sources = (await api('GET', '/api/v1/funding-sources')).fundingSources;
    } catch (error) {
      state.sources = null;
      state.error = error.status === 401 ? '' : words().fundingUnavailable(error.status);
    }
  }

  function edit(source) {
    state.editing = source.sourceId;
    state.values = { name: source.name ?? '', nameEn: source.nameEn ?? '' };
    state.formError = '';
    draw();
    root.querySelector('.rename-form input')?.focus();
  }

  async function save(event) {
    event.preventDefault();
    const w = words();
    const name = state.values.name.trim();
    if (!name) {
      state.formError = w.required(w.nameZh);
      return draw();
    }
    const nameEn = state.values.nameEn.trim();
    let saved;
    try {
      saved = await api('PUT', `/api/v1/funding-sources/${encodeURIComponent(state.editing)}`, {
        name,
        ...(nameEn ? { nameEn } : {}),
      });
    } catch (error) {
      state.formError = problemText(error);
      return draw();
    }
    state.editing = null;
    state.notice = w.saved;
    await load();
    // The list is read from a read model that may not have the name yet: show what was recorded.
    state.sources = state.sources?.map((source) =>
      source.sourceId === saved.sourceId ? { ...source, name: saved.name, nameEn: saved.nameEn } : source,
    );
    draw();
  }

  function renameRow(source) {
    const w = words();
    const v = state.values;
    const bound = (key) => ({
      value: v[key],
      oninput: (event) => {
        v[key] = event.target.value;
      },
    });
    return el(
      'tr',
      { class: 'editing' },
      el(
        'td',
        { colspan: '5' },
        el(
          'form',
          { class: 'inline-form rename-form', onsubmit: save, novalidate: true },
          el('span', { class: 'mono' }, source.sourceId),
          field(w.nameZh, bound('name')),
          field(w.nameEn, bound('nameEn')),
          ...saveAndCancel(w, () => {
            state.editing = null;
            draw();
          }),
        ),
        el('p', { class: 'message', role: 'alert' }, state.formError),
      ),
    );
  }

  function draw() {
    const w = words();
    message('');
    const rows = (state.sources ?? []).map((source) =>
      source.sourceId === state.editing
        ? renameRow(source)
        : el(
            'tr',
            { dataset: { source: source.sourceId } },
            el('td', { class: 'mono' }, source.sourceId),
            el('td', {}, source.name ?? w.none),
            el('td', {}, source.nameEn ?? w.none),
            el(
              'td',
              { class: 'prose' },
              source.policies.length === 0
                ? w.none
                : source.policies.map((policyId) => source.policyNames[policyId] ?? policyId).join('、'),
            ),
            el(
              'td',
              {},
              canAct()
                ? el('button', { type: 'button', class: 'link', onclick: () => edit(source) }, w.rename)
                : null,
            ),
          ),
    );
    root.replaceChildren(
      el(
        'section',
        { class: 'panel', 'aria-labelledby': 'funding-title' },
        el('h2', { id: 'funding-title' }, w.fundingTitle),
        el('p', { class: 'notice', role: 'status' }, state.notice),
        el('p', { class: 'message', role: 'alert', dataset: { testid: 'funding-message' } }, state.error),
        state.sources?.length === 0 ? el('p', { class: 'muted' }, w.noFunding) : null,
        state.sources?.length
          ? table(w.fundingCols, rows, { class: 'registry-table', dataset: { testid: 'funding-list' } })
          : null,
      ),
    );
  }

  load().then(draw);
  return { draw };
}
