import { addMonths } from './dom.js';
import { formatMoney } from './i18n.js';
import {
  api,
  choice,
  clearFormMessage,
  DATE_PATTERN,
  el,
  field,
  formActions,
  formMessage,
  idNumberProblem,
  problemText,
  recordErrorPanel,
  shanghaiTime,
  table,
  until,
} from './registry-kit.js';
import { words } from './registry-words.js';

const SEARCH_PAGE = 20;
const MONTH_PATTERN = /^\d{4}-\d{2}$/;

/**
 * 老人: find an elder (`GET /api/v1/elders?q=`), read the record and the month's ledger, and, for
 * admins, register, change categories, bind or replace a card and record a death.
 */
export function mount(root, { session, canAct, message }) {
  const state = {
    query: '',
    /** The answer of the last search, and the cursors of the pages before it. */
    results: null,
    cursors: [],
    searchError: '',
    openId: '',
    record: null,
    recordError: '',
    ledgerMonth: session.month,
    ledger: null,
    ledgerError: '',
    /** The form open: null, 'new' or 'edit', its values as typed, and its refusal. */
    form: null,
    values: {},
    formError: '',
    /** The categories being changed on their own (rows as typed), or null; and their refusal. */
    categories: null,
    categoriesError: '',
    card: '',
    cardError: '',
    deathDate: '',
    deathError: '',
    notice: '',
  };

  const canteenName = (canteenId) =>
    session.canteens.find((canteen) => canteen.canteenId === canteenId)?.name ?? canteenId ?? words().none;
  const categoryName = (category) => words().categoryNames[category] ?? category;
  const categoriesText = (categories) =>
    categories.length === 0 ? words().none : categories.map((held) => categoryName(held.category)).join('、');

  async function search(after) {
    const w = words();
    state.searchError = '';
    const params = new URLSearchParams({ q: state.query, limit: String(SEARCH_PAGE) });
    if (after) params.set('after', after);
    try {
      state.results = await api('GET', `/api/v1/elders?${params}`);
    } catch (error) {
      state.results = null;
      state.searchError = error.status === 401 ? '' : w.searchUnavailable(error.status);
    }
    draw();
  }

  async function open(elderId) {
    state.openId = elderId;
    state.form = null;
    state.categories = null;
    state.notice = '';
    await loadRecord();
    await loadLedger();
    draw();
  }

  async function loadRecord() {
    state.recordError = '';
    try {
      state.record = await api('GET', `/api/v1/elders/${encodeURIComponent(state.openId)}`);
    } catch (error) {
      state.record = null;
      state.recordError = problemText(error);
    }
  }

  async function loadLedger() {
    state.ledger = null;
    state.ledgerError = '';
    if (!state.record) return;
    try {
      state.ledger = await api(
        'GET',
        `/api/v1/elders/${encodeURIComponent(state.openId)}/ledger?month=${state.ledgerMonth}`,
      );
    } catch (error) {
      state.ledgerError = error.status === 403 ? words().ledgerAdminOnly : problemText(error);
    }
  }

  /** After a write: the record as soon as the read models show `check` of it. */
  async function reloadUntil(check) {
    state.notice = words().waiting;
    draw();
    const record = await until(() => api('GET', `/api/v1/elders/${encodeURIComponent(state.openId)}`), check);
    state.notice = record ? words().saved : words().notYetShown;
    if (record) state.record = record;
    await loadLedger();
    draw();
  }

  // Registering and changing an elder.

  function openForm(kind) {
    const record = kind === 'edit' ? state.record : null;
    state.form = kind;
    state.formError = '';
    state.values = {
      elderId: record?.elderId ?? '',
      name: '',
      idNumber: '',
      district: record?.district ?? '',
      town: record?.town ?? '',
      homeCanteenId: record?.homeCanteenId ?? '',
      categories: categoryRowsOf(record?.categories ?? []),
    };
    draw();
    root.querySelector('.elder-form input')?.focus();
  }

  function formProblem() {
    const w = words();
    const v = state.values;
    const missing = [
      ['elderId', w.elderIdLabel],
      ['name', w.name],
      ['idNumber', w.idNumber],
      ['district', w.district],
      ['town', w.town],
    ].find(([key]) => !String(v[key]).trim());
    if (missing) return w.required(missing[1]);
    const idProblem = idNumberProblem(v.idNumber);
    if (idProblem) return w.idNumberProblems[idProblem];
    return categoriesProblem(v.categories);
  }

  /** What is wrong with categories as typed: a date not written as one, or an end not after its start. */
  function categoriesProblem(rows) {
    const w = words();
    for (const held of rows) {
      if (!DATE_PATTERN.test(held.from) || (held.to && !DATE_PATTERN.test(held.to))) return w.badDate;
      if (held.to && held.to <= held.from) return w.categoryOrder;
    }
    return null;
  }

  /** Categories as typed, as the API takes them (an empty end left out: open-ended). */
  const categoriesBody = (rows) =>
    rows.map((held) => ({ category: held.category, from: held.from, ...(held.to ? { to: held.to } : {}) }));

  /** Categories as the record holds them, as rows to edit. */
  const categoryRowsOf = (categories) =>
    categories.map((held) => ({ category: held.category, from: held.from, to: held.to ?? '' }));

  /** A refusal stands until the clerk changes something. */
  function clearFormError() {
    state.formError = '';
    clearFormMessage(root);
  }

  async function submitForm(event) {
    event.preventDefault();
    const problem = formProblem();
    if (problem) {
      state.formError = problem;
      return draw();
    }
    const v = state.values;
    const previous = state.form === 'edit' ? state.record?.updatedAt : null;
    const body = {
      name: v.name.trim(),
      idNumber: v.idNumber.trim().toUpperCase(),
      district: v.district.trim(),
      town: v.town.trim(),
      ...(v.homeCanteenId ? { homeCanteenId: v.homeCanteenId } : {}),
      categories: categoriesBody(v.categories),
    };
    try {
      await api('PUT', `/api/v1/elders/${encodeURIComponent(v.elderId.trim())}`, body);
    } catch (error) {
      state.formError = problemText(error);
      return draw();
    }
    state.form = null;
    state.openId = v.elderId.trim();
    await reloadUntil((record) => record.updatedAt !== previous);
  }

  // Changing the categories alone: no name or ID number asked for.

  function openCategories() {
    state.categories = categoryRowsOf(state.record.categories);
    state.categoriesError = '';
    state.notice = '';
    draw();
    root.querySelector('[data-testid=category-editor] select')?.focus();
  }

  function clearCategoriesError() {
    state.categoriesError = '';
    const shown = root.querySelector('[data-testid=categories-message]');
    if (shown) shown.textContent = '';
  }

  async function saveCategories(event) {
    event.preventDefault();
    const problem = categoriesProblem(state.categories);
    if (problem) {
      state.categoriesError = problem;
      return draw();
    }
    let answer;
    try {
      answer = await api('PUT', `/api/v1/elders/${encodeURIComponent(state.openId)}/categories`, {
        categories: categoriesBody(state.categories),
      });
    } catch (error) {
      state.categoriesError = problemText(error);
      return draw();
    }
    state.categories = null;
    if (!answer.changed) {
      state.notice = words().categoriesUnchanged;
      return draw();
    }
    const held = (categories) =>
      categories
        .map((holding) => `${holding.category} ${holding.from} ${holding.to ?? ''}`)
        .sort()
        .join('|');
    await reloadUntil((record) => held(record.categories) === held(answer.categories));
  }

  async function bindCard(event) {
    event.preventDefault();
    const cardUid = state.card.trim();
    if (!cardUid) {
      state.cardError = words().required(words().cardUidLabel);
      return draw();
    }
    try {
      await api('POST', `/api/v1/elders/${encodeURIComponent(state.openId)}/cards`, { cardUid });
    } catch (error) {
      state.cardError = problemText(error);
      return draw();
    }
    state.card = '';
    state.cardError = '';
    await reloadUntil((record) => record.cardUid === cardUid);
  }

  async function recordDeath(event) {
    event.preventDefault();
    const w = words();
    const date = state.deathDate.trim();
    if (!DATE_PATTERN.test(date)) {
      state.deathError = w.badDate;
      return draw();
    }
    if (!confirm(w.deathConfirm(state.record.maskedName, date))) return;
    try {
      await api('POST', `/api/v1/elders/${encodeURIComponent(state.openId)}/death`, { date });
    } catch (error) {
      state.deathError = problemText(error);
      return draw();
    }
    state.deathDate = '';
    state.deathError = '';
    await reloadUntil((record) => record.diedOn === date);
  }

  // Drawing.

  /** An input bound to `values[key]` (or `state[key]`): what is typed survives a redraw. */
  const bound = (values, key) => ({
    value: values[key],
    oninput: (event) => {
      values[key] = event.target.value;
    },
  });

  function drawSearch() {
    const w = words();
    const results = state.results;
    const rows = (results?.elders ?? []).map((elder) =>
      el(
        'tr',
        { dataset: { elderId: elder.elderId } },
        el(
          'td',
          {},
          el('button', { type: 'button', class: 'link', onclick: () => open(elder.elderId) }, elder.elderId),
        ),
        el('td', {}, elder.maskedName),
        el('td', { class: 'mono' }, elder.maskedIdNumber),
        el('td', {}, `${elder.district} ${elder.town}`),
        el('td', {}, elder.homeCanteenId ? canteenName(elder.homeCanteenId) : w.none),
        el('td', { class: 'mono' }, elder.cardUid ?? w.none),
        el('td', {}, categoriesText(elder.categories)),
        el('td', {}, elder.status === 'died' ? w.died(elder.diedOn) : w.alive),
      ),
    );
    return el(
      'section',
      { class: 'panel', 'aria-labelledby': 'search-title' },
      el(
        'div',
        { class: 'panel-head' },
        el('h2', { id: 'search-title' }, w.searchTitle),
        canAct()
          ? el(
              'button',
              { type: 'button', class: 'primary', onclick: () => openForm('new') },
              w.registerElder,
            )
          : null,
      ),
      el(
        'div',
        { class: 'search-row' },
        el(
          'form',
          {
            class: 'inline-form',
            onsubmit: (event) => {
              event.preventDefault();
              state.cursors = [];
              search();
            },
          },
          field(w.searchLabel, {
            ...bound(state, 'query'),
            type: 'search',
            placeholder: w.searchPlaceholder,
            class: 'wide',
            dataset: { testid: 'search' },
          }),
          el('button', { type: 'submit' }, w.search),
        ),
        el(
          'form',
          {
            class: 'inline-form',
            onsubmit: (event) => {
              event.preventDefault();
              if (state.openId.trim()) open(state.openId.trim());
            },
          },
          field(w.elderIdLabel, { ...bound(state, 'openId'), dataset: { testid: 'open-id' } }),
          el('button', { type: 'submit', class: 'secondary' }, w.open),
        ),
      ),
      el('p', { class: 'message', role: 'alert', dataset: { testid: 'search-message' } }, state.searchError),
      results
        ? results.elders.length === 0
          ? el('p', { class: 'muted' }, w.noMatches)
          : table(w.searchCols, rows, { class: 'registry-table', dataset: { testid: 'results' } })
        : null,
      results?.next
        ? el(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                state.cursors.push(results.next);
                search(results.next);
              },
            },
            w.moreResults,
          )
        : null,
    );
  }

  /** The rows of categories being edited (category, from, to), with adding and removing. */
  function categoryRows(rows) {
    const w = words();
    const categoryOptions = (current) => {
      const known = Object.entries(w.categoryNames);
      return known.some(([code]) => code === current) || !current ? known : [[current, current], ...known];
    };
    return el(
      'div',
      { class: 'rows' },
      rows.map((held, index) =>
        el(
          'div',
          { class: 'row-fields', dataset: { testid: `category-${index + 1}` } },
          choice(w.category, categoryOptions(held.category), {
            value: held.category,
            onchange: (event) => {
              held.category = event.target.value;
            },
          }),
          field(w.from, { ...bound(held, 'from'), placeholder: 'YYYY-MM-DD', class: 'date' }),
          field(w.to, { ...bound(held, 'to'), placeholder: 'YYYY-MM-DD', class: 'date' }),
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                rows.splice(index, 1);
                draw();
              },
            },
            w.removeCategory,
          ),
        ),
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            rows.push({ category: 'dibao', from: session.today, to: '' });
            draw();
          },
        },
        w.addCategory,
      ),
    );
  }

  function drawForm() {
    const w = words();
    const v = state.values;
    return el(
      'section',
      { class: 'panel elder-form', 'aria-labelledby': 'elder-form-title', dataset: { testid: 'elder-form' } },
      el('h2', { id: 'elder-form-title' }, w.elderForm[state.form]),
      state.form === 'edit' ? el('p', { class: 'hint' }, w.editHint) : null,
      el(
        'form',
        { onsubmit: submitForm, oninput: clearFormError, novalidate: true },
        el(
          'div',
          { class: 'grid' },
          field(w.elderIdLabel, { ...bound(v, 'elderId'), readonly: state.form === 'edit' }),
          field(w.name, bound(v, 'name')),
          field(w.idNumber, { ...bound(v, 'idNumber'), maxlength: '18', class: 'mono' }),
          field(w.district, bound(v, 'district')),
          field(w.town, bound(v, 'town')),
          choice(
            w.homeCanteen,
            [['', w.noHomeCanteen], ...session.canteens.map((canteen) => [canteen.canteenId, canteen.name])],
            {
              value: v.homeCanteenId,
              onchange: (event) => {
                v.homeCanteenId = event.target.value;
              },
            },
          ),
        ),
        el('h3', {}, w.categoriesTitle),
        categoryRows(v.categories),
        formMessage(state.formError),
        formActions(w, () => {
          state.form = null;
          draw();
        }),
      ),
    );
  }

  function drawRecord() {
    const w = words();
    const record = state.record;
    if (!record) {
      return recordErrorPanel(state.recordError);
    }
    const died = record.status === 'died';
    const facts = [
      [w.maskedIdNumber, el('span', { class: 'mono' }, record.maskedIdNumber)],
      [w.area, `${record.district} ${record.town}`],
      [w.homeCanteen, record.homeCanteenName ?? record.homeCanteenId ?? w.none],
      [w.currentCard, el('span', { class: 'mono' }, record.cardUid ?? w.noCards)],
      [w.status, died ? w.died(record.diedOn) : w.alive],
      [w.registeredAt, shanghaiTime(record.registeredAt)],
      [w.updatedAt, shanghaiTime(record.updatedAt)],
    ];
    return el(
      'section',
      { class: 'panel record', 'aria-labelledby': 'record-title', dataset: { testid: 'record' } },
      el(
        'div',
        { class: 'panel-head' },
        el(
          'h2',
          { id: 'record-title' },
          record.maskedName,
          el('span', { class: 'muted' }, ` ${record.elderId}`),
          died ? el('span', { class: 'badge died' }, w.died(record.diedOn)) : null,
        ),
        canAct()
          ? el('button', { type: 'button', class: 'secondary', onclick: () => openForm('edit') }, w.editElder)
          : null,
      ),
      el('p', { class: 'notice', role: 'status', dataset: { testid: 'notice' } }, state.notice),
      el(
        'dl',
        { class: 'facts' },
        facts.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
      ),
      el(
        'div',
        { class: 'two' },
        state.categories
          ? drawCategoryEditor()
          : el(
              'div',
              {},
              el(
                'div',
                { class: 'panel-head categories-head' },
                el('h3', {}, w.categoriesTitle),
                // Allowed after a death too: the bureau corrects the record of what was held.
                canAct()
                  ? el(
                      'button',
                      { type: 'button', class: 'secondary small', onclick: openCategories },
                      w.editCategories,
                    )
                  : null,
              ),
              record.categories.length === 0
                ? el('p', { class: 'muted' }, w.noCategories)
                : table(
                    w.categoryCols,
                    record.categories.map((held) =>
                      el(
                        'tr',
                        {},
                        el('td', {}, categoryName(held.category)),
                        el('td', {}, held.from),
                        el('td', {}, held.to ?? w.openEnded),
                      ),
                    ),
                    { class: 'registry-table', dataset: { testid: 'categories' } },
                  ),
            ),
        el(
          'div',
          {},
          el('h3', {}, w.cardsTitle),
          record.cards.length === 0
            ? el('p', { class: 'muted' }, w.noCards)
            : table(
                w.cardCols,
                record.cards.map((card) =>
                  el(
                    'tr',
                    { class: card.status, dataset: { card: card.cardUid } },
                    el('td', { class: 'mono' }, card.cardUid),
                    el('td', { class: `card-status ${card.status}` }, w.cardStatus[card.status]),
                    el('td', {}, card.assignedFrom ? shanghaiTime(card.assignedFrom) : w.sinceFirst),
                    el('td', {}, card.retiredFrom ? shanghaiTime(card.retiredFrom) : w.none),
                  ),
                ),
                { class: 'registry-table', dataset: { testid: 'cards' } },
              ),
        ),
      ),
      canAct() && !died ? drawActions() : null,
      drawLedger(),
    );
  }

  function drawCategoryEditor() {
    const w = words();
    return el(
      'form',
      {
        class: 'category-editor',
        onsubmit: saveCategories,
        oninput: clearCategoriesError,
        novalidate: true,
        dataset: { testid: 'category-editor' },
      },
      el('h3', {}, w.categoriesEditorTitle),
      el('p', { class: 'hint' }, w.categoriesHint),
      categoryRows(state.categories),
      el(
        'p',
        { class: 'message', role: 'alert', dataset: { testid: 'categories-message' } },
        state.categoriesError,
      ),
      formActions(w, () => {
        state.categories = null;
        draw();
      }),
    );
  }

  function drawActions() {
    const w = words();
    return el(
      'div',
      { class: 'two actions-row' },
      el(
        'form',
        { class: 'action-box', onsubmit: bindCard, dataset: { testid: 'bind-card' } },
        el('h3', {}, w.bindCard),
        el('p', { class: 'hint' }, w.bindHint),
        el(
          'div',
          { class: 'inline-form' },
          field(w.cardUidLabel, { ...bound(state, 'card'), class: 'mono' }),
          el('button', { type: 'submit' }, w.bindSubmit),
        ),
        el('p', { class: 'message', role: 'alert' }, state.cardError),
      ),
      el(
        'form',
        { class: 'action-box', onsubmit: recordDeath, dataset: { testid: 'record-death' } },
        el('h3', {}, w.deathTitle),
        el('p', { class: 'hint' }, w.deathHint),
        el(
          'div',
          { class: 'inline-form' },
          field(w.deathDate, { ...bound(state, 'deathDate'), placeholder: 'YYYY-MM-DD', class: 'date' }),
          el('button', { type: 'submit', class: 'danger' }, w.deathSubmit),
        ),
        el('p', { class: 'message', role: 'alert' }, state.deathError),
      ),
    );
  }

  function drawLedger() {
    const w = words();
    const ledger = state.ledger;
    const moveMonth = (months) => {
      state.ledgerMonth = addMonths(state.ledgerMonth, months);
      loadLedger().then(draw);
    };
    const rows = (ledger?.meals ?? []).map((meal) =>
      el(
        'tr',
        { class: meal.voided ? 'voided' : '' },
        el('td', {}, meal.businessDate),
        el('td', {}, shanghaiTime(meal.occurredAt).slice(11)),
        el('td', {}, canteenName(meal.canteenId)),
        el('td', {}, meal.period ? w.periodNames[meal.period] : w.none),
        el('td', {}, meal.items.map((item) => `${item.name}×${item.qty}`).join('、')),
        el('td', { class: 'number' }, formatMoney(meal.totalFen)),
        el('td', { class: 'number' }, formatMoney(meal.subsidyFen)),
        el('td', { class: 'number' }, formatMoney(meal.elderPaysFen)),
        el(
          'td',
          {},
          [meal.voided ? w.voided : null, meal.offline ? w.offline : null].filter(Boolean).join(' '),
        ),
      ),
    );
    return el(
      'div',
      { class: 'ledger', dataset: { testid: 'ledger' } },
      el(
        'div',
        { class: 'panel-head' },
        el('h3', {}, w.ledgerTitle),
        el(
          'form',
          {
            class: 'month-pick',
            onsubmit: (event) => {
              event.preventDefault();
              if (MONTH_PATTERN.test(state.ledgerMonth)) loadLedger().then(draw);
            },
          },
          el('label', { for: 'ledger-month' }, w.monthLabel),
          el(
            'button',
            { type: 'button', class: 'step', 'aria-label': w.monthBefore, onclick: () => moveMonth(-1) },
            '‹',
          ),
          el('input', { id: 'ledger-month', ...bound(state, 'ledgerMonth'), maxlength: '7', class: 'month' }),
          el(
            'button',
            { type: 'button', class: 'step', 'aria-label': w.monthAfter, onclick: () => moveMonth(1) },
            '›',
          ),
        ),
      ),
      state.ledgerError ? el('p', { class: 'muted' }, state.ledgerError) : null,
      ledger && ledger.meals.length === 0 ? el('p', { class: 'muted' }, w.noMeals) : null,
      ledger && ledger.meals.length > 0
        ? [
            table(w.ledgerCols, rows, { class: 'registry-table' }, [5, 6, 7]),
            el(
              'p',
              { class: 'totals' },
              w.ledgerTotals({
                meals: ledger.totals.meals,
                subsidisedMeals: ledger.totals.subsidisedMeals,
                subsidy: formatMoney(ledger.totals.subsidyFen),
                reimbursable: formatMoney(ledger.totals.reimbursableFen),
                paid: formatMoney(ledger.totals.elderPaidFen),
              }),
            ),
          ]
        : null,
    );
  }

  function draw() {
    message('');
    root.replaceChildren(
      ...[drawSearch(), state.form ? drawForm() : null, state.form ? null : drawRecord()].filter(Boolean),
    );
  }

  return { draw };
}
