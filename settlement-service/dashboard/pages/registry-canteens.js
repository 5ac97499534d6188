import { formatMoney } from './i18n.js';
import {
  api,
  clearFormMessage,
  DATE_PATTERN,
  el,
  fenOf,
  field,
  formActions,
  formMessage,
  problemText,
  recordErrorPanel,
  table,
  until,
  yuanText,
} from './registry-kit.js';
import { words } from './registry-words.js';

const PERIODS = ['breakfast', 'lunch', 'dinner'];
const TIME_PATTERN = /^\d\d:\d\d$/;

/**
 * 食堂: the registered canteens, one canteen's periods, menu, prices and closed days in force and the
 * changes to come, and, for admins, a change (or a new canteen) from the date it takes effect.
 */
export function mount(root, { session, refreshSession, canAct, message }) {
  const state = {
    canteens: null,
    listError: '',
    openId: '',
    record: null,
    recordError: '',
    form: null,
    values: {},
    formError: '',
    notice: '',
  };

  async function loadList() {
    state.listError = '';
    try {
      state.canteens = (await api('GET', '/api/v1/canteens')).canteens;
    } catch (error) {
      state.listError = problemText(error);
    }
  }

  async function open(canteenId) {
    state.openId = canteenId;
    state.form = null;
    state.notice = '';
    await loadRecord();
    draw();
  }

  async function loadRecord() {
    state.recordError = '';
    try {
      state.record = await api('GET', `/api/v1/canteens/${encodeURIComponent(state.openId)}`);
    } catch (error) {
      state.record = null;
      state.recordError = problemText(error);
    }
  }

  function openForm(kind) {
    const record = kind === 'edit' ? state.record : null;
    const periods = Object.fromEntries(
      PERIODS.map((period) => [
        period,
        { from: record?.periods[period]?.from ?? '', to: record?.periods[period]?.to ?? '' },
      ]),
    );
    state.form = kind;
    state.formError = '';
    state.values = {
      canteenId: record?.canteenId ?? '',
      name: record?.name ?? '',
      district: record?.district ?? '',
      town: record?.town ?? '',
      lat: record?.location ? String(record.location.lat) : '',
      lng: record?.location ? String(record.location.lng) : '',
      periods,
      menu: (record?.menu ?? []).map((item) => ({
        itemId: item.itemId,
        name: item.name,
        price: yuanText(item.priceFen),
      })),
      weekdays: new Set(record?.closedDays.weekdays ?? []),
      dates: (record?.closedDays.dates ?? []).join(', '),
      effectiveOn: session.today,
    };
    draw();
  }

  /** The request body from the form, or the first thing to correct. */
  function formBody() {
    const w = words();
    const v = state.values;
    const missing = [
      ['canteenId', w.canteenIdLabel],
      ['name', w.canteenName],
      ['district', w.district],
      ['town', w.town],
    ].find(([key]) => !v[key].trim());
    if (missing) return { problem: w.required(missing[1]) };
    const periods = {};
    for (const period of PERIODS) {
      const hours = v.periods[period];
      if (!hours.from && !hours.to) continue;
      if (!TIME_PATTERN.test(hours.from) || !TIME_PATTERN.test(hours.to))
        return { problem: `${w.periodNames[period]}: HH:MM` };
      periods[period] = { from: hours.from, to: hours.to };
    }
    if (Object.keys(periods).length === 0) return { problem: w.noPeriods };
    const menu = [];
    for (const item of v.menu) {
      if (!item.itemId.trim() || !item.name.trim()) return { problem: w.required(w.menuCols[0]) };
      const priceFen = fenOf(item.price);
      if (priceFen === null) return { problem: w.badPrice(item.name || item.itemId) };
      menu.push({ itemId: item.itemId.trim(), name: item.name.trim(), priceFen });
    }
    const dates = v.dates.split(/[\s,，、]+/).filter(Boolean);
    if (dates.some((date) => !DATE_PATTERN.test(date))) return { problem: w.badDate };
    if (!DATE_PATTERN.test(v.effectiveOn)) return { problem: w.badDate };
    if (v.effectiveOn < session.today) return { problem: w.pastDate };
    const location =
      v.lat.trim() && v.lng.trim() ? { location: { lat: Number(v.lat), lng: Number(v.lng) } } : {};
    return {
      body: {
        name: v.name.trim(),
        district: v.district.trim(),
        town: v.town.trim(),
        ...location,
        periods,
        menu,
        closedDays: { weekdays: [...v.weekdays].sort(), dates: [...new Set(dates)].sort() },
        // Today takes effect when saved; a later day from its midnight in Beijing time.
        ...(v.effectiveOn > session.today ? { from: `${v.effectiveOn}T00:00:00+08:00` } : {}),
      },
    };
  }

  /** A refusal stands until the clerk changes something. */
  function clearFormError() {
    state.formError = '';
    clearFormMessage(root);
  }

  async function submitForm(event) {
    event.preventDefault();
    const { problem, body } = formBody();
    if (problem) {
      state.formError = problem;
      return draw();
    }
    const canteenId = state.values.canteenId.trim();
    const isNew = state.form === 'new';
    try {
      await api('PUT', `/api/v1/canteens/${encodeURIComponent(canteenId)}`, body);
    } catch (error) {
      const path = error.problem?.errors?.[0]?.path;
      state.formError = `${problemText(error)}${path ? `(${path})` : ''}`;
      return draw();
    }
    state.form = null;
    state.openId = canteenId;
    await loadRecord();
    state.notice = words().saved;
    if (isNew) {
      // The list and the other pages read the canteens from the read models, a moment behind.
      await until(
        () => api('GET', '/api/v1/canteens'),
        (answer) => answer.canteens.some((canteen) => canteen.canteenId === canteenId),
      );
      await Promise.all([loadList(), refreshSession().catch(() => {})]);
    }
    draw();
  }

  // Drawing.

  const bound = (values, key) => ({
    value: values[key],
    oninput: (event) => {
      values[key] = event.target.value;
    },
  });

  function drawList() {
    const w = words();
    const rows = (state.canteens ?? []).map((canteen) =>
      el(
        'tr',
        {
          class: canteen.canteenId === state.openId ? 'chosen' : '',
          dataset: { canteenId: canteen.canteenId },
        },
        el('td', { class: 'mono' }, canteen.canteenId),
        el(
          'td',
          {},
          el(
            'button',
            { type: 'button', class: 'link', onclick: () => open(canteen.canteenId) },
            canteen.name,
          ),
        ),
        el('td', {}, `${canteen.district} ${canteen.town}`),
        el(
          'td',
          { class: 'muted' },
          canteen.location ? `${canteen.location.lat}, ${canteen.location.lng}` : w.none,
        ),
      ),
    );
    return el(
      'section',
      { class: 'panel', 'aria-labelledby': 'canteens-title' },
      el(
        'div',
        { class: 'panel-head' },
        el('h2', { id: 'canteens-title' }, w.canteenListTitle),
        canAct()
          ? el(
              'button',
              { type: 'button', class: 'primary', onclick: () => openForm('new') },
              w.registerCanteen,
            )
          : null,
      ),
      el('p', { class: 'message', role: 'alert' }, state.listError),
      state.canteens?.length === 0 ? el('p', { class: 'muted' }, w.noCanteens) : null,
      state.canteens?.length
        ? table(w.canteenCols, rows, { class: 'registry-table', dataset: { testid: 'canteen-list' } })
        : null,
    );
  }

  function menuTable(menu, testid) {
    const w = words();
    return table(
      w.menuCols,
      menu.map((item) =>
        el(
          'tr',
          { dataset: { item: item.itemId } },
          el('td', { class: 'mono' }, item.itemId),
          el('td', {}, item.name),
          el('td', { class: 'number' }, formatMoney(item.priceFen)),
        ),
      ),
      { class: 'registry-table', dataset: { testid } },
      [2],
    );
  }

  function closedText(closedDays) {
    const w = words();
    const parts = [...closedDays.weekdays.map((day) => w.weekdays[day - 1]), ...closedDays.dates];
    return parts.length === 0 ? w.openEveryDay : parts.join('、');
  }

  /** What a change to come changes: prices, items added and removed, anything else. */
  function changesOf(current, next) {
    const w = words();
    const before = new Map(current.menu.map((item) => [item.itemId, item]));
    const after = new Map(next.menu.map((item) => [item.itemId, item]));
    const lines = [];
    for (const item of next.menu) {
      const old = before.get(item.itemId);
      if (!old) lines.push(w.added(item.name, formatMoney(item.priceFen)));
      else if (old.priceFen !== item.priceFen)
        lines.push(w.priceChange(item.name, formatMoney(old.priceFen), formatMoney(item.priceFen)));
    }
    for (const item of current.menu) if (!after.has(item.itemId)) lines.push(w.removed(item.name));
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(current.closedDays, next.closedDays))
      lines.push(w.closedChange(closedText(current.closedDays), closedText(next.closedDays)));
    if (!same(current.periods, next.periods)) lines.push(w.periodsChange);
    const place = (details) => [details.name, details.district, details.town, details.location];
    if (!same(place(current), place(next))) lines.push(w.placeChange);
    return lines;
  }

  function drawRecord() {
    const w = words();
    const record = state.record;
    if (!record) {
      return recordErrorPanel(state.recordError);
    }
    const since = record.effectiveFrom ? record.effectiveFrom.slice(0, 16).replace('T', ' ') : null;
    return el(
      'section',
      { class: 'panel record', 'aria-labelledby': 'canteen-title', dataset: { testid: 'canteen' } },
      el(
        'div',
        { class: 'panel-head' },
        el(
          'h2',
          { id: 'canteen-title' },
          record.name,
          el('span', { class: 'muted' }, ` ${record.canteenId}`),
        ),
        canAct()
          ? el(
              'button',
              { type: 'button', class: 'secondary', onclick: () => openForm('edit') },
              w.editCanteen,
            )
          : null,
      ),
      el('p', { class: 'notice', role: 'status', dataset: { testid: 'notice' } }, state.notice),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, w.area),
        el('dd', {}, `${record.district} ${record.town}`),
        el('dt', {}, w.closedTitle),
        el('dd', { dataset: { testid: 'closed-days' } }, closedText(record.closedDays)),
        el('dt', {}, w.effectiveFrom),
        el('dd', { dataset: { testid: 'effective' } }, w.effectiveNow(since)),
      ),
      el(
        'div',
        { class: 'two' },
        el('div', {}, el('h3', {}, w.menuTitle), menuTable(record.menu, 'menu')),
        el(
          'div',
          {},
          el('h3', {}, w.periodsTitle),
          table(
            w.periodCols,
            PERIODS.map((period) => {
              const hours = record.periods[period];
              return el(
                'tr',
                {},
                el('td', {}, w.periodNames[period]),
                el('td', {}, hours?.from ?? w.notServed),
                el('td', {}, hours?.to ?? ''),
              );
            }),
            { class: 'registry-table', dataset: { testid: 'periods' } },
          ),
        ),
      ),
      record.scheduled.length > 0
        ? el(
            'div',
            { class: 'scheduled', dataset: { testid: 'scheduled' } },
            el('h3', {}, w.scheduledTitle),
            record.scheduled.map((version) =>
              el(
                'div',
                { class: 'scheduled-change' },
                el('strong', {}, w.scheduledAt(version.effectiveFrom.slice(0, 10))),
                el(
                  'ul',
                  {},
                  changesOf(record, version).map((line) => el('li', {}, line)),
                ),
              ),
            ),
          )
        : null,
    );
  }

  function drawForm() {
    const w = words();
    const v = state.values;
    const immediate = v.effectiveOn <= session.today;
    return el(
      'section',
      {
        class: 'panel canteen-form',
        'aria-labelledby': 'canteen-form-title',
        dataset: { testid: 'canteen-form' },
      },
      el('h2', { id: 'canteen-form-title' }, w.canteenForm[state.form]),
      el(
        'form',
        { onsubmit: submitForm, oninput: clearFormError, novalidate: true },
        el(
          'div',
          { class: 'grid' },
          field(w.canteenIdLabel, { ...bound(v, 'canteenId'), readonly: state.form === 'edit' }),
          field(w.canteenName, bound(v, 'name')),
          field(w.district, bound(v, 'district')),
          field(w.town, bound(v, 'town')),
          field(w.lat, { ...bound(v, 'lat'), inputmode: 'decimal' }),
          field(w.lng, { ...bound(v, 'lng'), inputmode: 'decimal' }),
        ),
        el('h3', {}, w.periodsTitle),
        el(
          'div',
          { class: 'grid periods' },
          PERIODS.map((period) =>
            el(
              'fieldset',
              { class: 'period' },
              el('legend', {}, w.periodNames[period]),
              field(w.periodCols[1], {
                ...bound(v.periods[period], 'from'),
                placeholder: 'HH:MM',
                class: 'time',
              }),
              field(w.periodCols[2], {
                ...bound(v.periods[period], 'to'),
                placeholder: 'HH:MM',
                class: 'time',
              }),
            ),
          ),
        ),
        el('h3', {}, w.menuTitle),
        el(
          'div',
          { class: 'rows' },
          v.menu.map((item, index) =>
            el(
              'div',
              { class: 'row-fields', dataset: { testid: `item-${index + 1}` } },
              field(w.menuCols[0], { ...bound(item, 'itemId'), class: 'mono' }),
              field(w.menuCols[1], bound(item, 'name')),
              field(w.priceLabel, { ...bound(item, 'price'), inputmode: 'decimal', class: 'price' }),
              el(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  onclick: () => {
                    v.menu.splice(index, 1);
                    draw();
                  },
                },
                w.removeItem,
              ),
            ),
          ),
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                v.menu.push({ itemId: '', name: '', price: '' });
                draw();
              },
            },
            w.addItem,
          ),
        ),
        el('h3', {}, w.closedTitle),
        el(
          'div',
          { class: 'weekdays' },
          w.weekdays.map((name, index) =>
            el(
              'label',
              { class: 'check' },
              el('input', {
                type: 'checkbox',
                checked: v.weekdays.has(index + 1),
                onchange: (event) => {
                  if (event.target.checked) v.weekdays.add(index + 1);
                  else v.weekdays.delete(index + 1);
                },
              }),
              name,
            ),
          ),
        ),
        field(w.closedDates, { ...bound(v, 'dates'), placeholder: '2026-12-25, 2027-01-01', class: 'wide' }),
        el(
          'div',
          { class: 'effective' },
          field(
            w.effectiveFrom,
            {
              value: v.effectiveOn,
              placeholder: 'YYYY-MM-DD',
              class: 'date',
              oninput: (event) => {
                v.effectiveOn = event.target.value;
                // Only a change taking effect at once replaces the changes to come.
                const warning = root.querySelector('.replaces-scheduled');
                if (warning) warning.hidden = v.effectiveOn > session.today;
              },
            },
            w.effectiveHint,
          ),
          state.record?.scheduled.length
            ? el('p', { class: 'warning replaces-scheduled', hidden: !immediate }, w.replacesScheduled)
            : null,
        ),
        formMessage(state.formError),
        formActions(w, () => {
          state.form = null;
          draw();
        }),
      ),
    );
  }

  function draw() {
    message('');
    root.replaceChildren(...[drawList(), state.form ? drawForm() : drawRecord()].filter(Boolean));
  }

  loadList().then(draw);
  return { draw };
}
