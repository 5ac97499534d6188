import { element } from './dom.js';
import {
  BENEFIT_KINDS,
  blankCap,
  blankRule,
  CAP_PERS,
  CATEGORIES,
  CHANNELS,
  LOCALITIES,
  OFFLINE_EXCESS,
  PERIODS,
  SCOPES,
  SOURCES,
} from './simulation-policy.js';
import { sourceLabel, words } from './simulation-words.js';

/**
 * The form of one proposal for the common rule kinds. Typing changes the form object in place
 * (`changed`); adding or removing a part draws the form again (`redraw`). Every control is labelled
 * and carries `data-path`, the place in the policy document it fills, so that a refusal of the
 * service can mark it.
 */

let controls = 0;

/** A control with its label above it (`for`, so that the label names the control alone). */
function field(label, control, className = '') {
  controls += 1;
  control.id = `form-control-${controls}`;
  const wrapper = element('div', `field ${className}`.trim());
  const text = element('label', 'field-label', label);
  text.htmlFor = control.id;
  wrapper.append(text, control);
  return wrapper;
}

function textInput(object, key, path, changed, { numeric = false, decimal = false } = {}) {
  const input = element('input');
  input.type = 'text';
  input.value = object[key];
  input.autocomplete = 'off';
  input.spellcheck = false;
  if (numeric) input.inputMode = decimal ? 'decimal' : 'numeric';
  input.dataset.path = path;
  input.addEventListener('input', () => {
    object[key] = input.value;
    changed();
  });
  return input;
}

function select(object, key, path, choices, changed, onChoose) {
  const control = element('select');
  for (const [value, label] of choices) {
    const option = element('option', undefined, label);
    option.value = value;
    control.append(option);
  }
  control.value = object[key];
  control.dataset.path = path;
  control.addEventListener('change', () => {
    object[key] = control.value;
    changed();
    onChoose?.();
  });
  return control;
}

/** Checkboxes filling a list, in a fieldset with its legend. */
function checkboxes(legend, list, choices, path, changed, className = '') {
  const set = element('fieldset', `checks ${className}`.trim());
  set.dataset.path = path;
  set.append(element('legend', undefined, legend));
  for (const [value, label] of choices) {
    const box = element('input');
    box.type = 'checkbox';
    box.value = value;
    box.checked = list.includes(value);
    box.addEventListener('change', () => {
      const at = list.indexOf(value);
      if (box.checked && at < 0) list.push(value);
      if (!box.checked && at >= 0) list.splice(at, 1);
      changed();
    });
    const wrapper = element('label', 'check');
    wrapper.append(box, element('span', undefined, label));
    set.append(wrapper);
  }
  return set;
}

function button(text, className, onClick, label) {
  const node = element('button', className, text);
  node.type = 'button';
  if (label) {
    node.setAttribute('aria-label', label);
    node.title = label;
  }
  node.addEventListener('click', onClick);
  return node;
}

function ruleFieldset(form, rule, index, changed, redraw) {
  const w = words();
  const at = `rules[${index}]`;
  const set = element('fieldset', 'rule');
  set.dataset.path = at;
  const legend = element('legend', undefined, w.rule(index + 1));
  set.append(legend);
  const remove = button(
    '×',
    'icon remove',
    () => {
      form.rules.splice(index, 1);
      redraw();
    },
    `${w.removeRule} ${index + 1}`,
  );
  set.append(remove);

  const names = element('div', 'fields two');
  names.append(
    field(w.ruleLabel, textInput(rule, 'label', `${at}.label`, changed)),
    field(w.ruleId, textInput(rule, 'ruleId', `${at}.ruleId`, changed)),
  );
  const ages = element('div', 'fields two');
  ages.append(
    field(w.minAge, textInput(rule, 'minAge', `${at}.eligible.minAge`, changed, { numeric: true })),
    field(w.maxAge, textInput(rule, 'maxAge', `${at}.eligible.maxAge`, changed, { numeric: true })),
  );
  const categoryChoices = CATEGORIES.map((category) => [category, w.categoryNames[category]]);
  const any = checkboxes(
    w.categoriesAny,
    rule.any,
    categoryChoices,
    `${at}.eligible.categoriesAny`,
    changed,
    'grid',
  );
  const periods = checkboxes(
    w.periods,
    rule.periods,
    PERIODS.map((period) => [period, w.periodNames[period]]),
    `${at}.periods`,
    changed,
    'inline',
  );

  const benefit = element('div', 'fields');
  benefit.append(
    field(
      w.benefit,
      select(
        rule,
        'benefitKind',
        `${at}.benefit.kind`,
        BENEFIT_KINDS.map((kind) => [kind, w.benefitKinds[kind]]),
        changed,
        redraw,
      ),
    ),
  );
  const amounts = element('div', 'fields two');
  if (rule.benefitKind === 'percentOff') {
    amounts.append(
      field(
        w.percent,
        textInput(rule, 'percent', `${at}.benefit.bp`, changed, { numeric: true, decimal: true }),
      ),
      field(
        w.maxYuan,
        textInput(rule, 'max', `${at}.benefit.maxFen`, changed, { numeric: true, decimal: true }),
      ),
    );
  } else {
    amounts.append(
      field(
        w.amountYuan,
        textInput(rule, 'amount', `${at}.benefit.fen`, changed, { numeric: true, decimal: true }),
      ),
    );
  }
  benefit.append(amounts);

  const group = field(w.stackGroup, textInput(rule, 'stackGroup', `${at}.stackGroup`, changed));

  const funding = element('fieldset', 'funding');
  funding.dataset.path = `${at}.funding`;
  funding.append(element('legend', undefined, w.funding));
  rule.funding.forEach((part, partIndex) => {
    const partAt = `${at}.funding[${partIndex}]`;
    const sources = [...new Set([...SOURCES, part.source])].map((source) => [source, sourceLabel(source)]);
    const row = element('div', 'funding-row');
    row.append(
      field(w.source, select(part, 'source', `${partAt}.source`, sources, changed), 'grow'),
      field(
        w.share,
        textInput(part, 'share', `${partAt}.shareBp`, changed, { numeric: true, decimal: true }),
      ),
      field(
        w.locality,
        select(
          part,
          'locality',
          `${partAt}.locality`,
          LOCALITIES.map((locality) => [locality, w.localities[locality]]),
          changed,
        ),
      ),
      button(
        '×',
        'icon remove',
        () => {
          rule.funding.splice(partIndex, 1);
          redraw();
        },
        `${w.removeFunding} ${partIndex + 1}`,
      ),
    );
    funding.append(row);
  });
  funding.append(
    button(w.addFunding, 'add', () => {
      const used = new Set(rule.funding.map((part) => part.source));
      rule.funding.push({
        source: SOURCES.find((source) => !used.has(source)) ?? SOURCES[0],
        share: '',
        locality: 'any',
      });
      redraw();
    }),
  );

  const more = element('details', 'more');
  more.open = rule.all.length > 0 || rule.channels.length < CHANNELS.length || rule.minSpend !== '';
  more.append(
    element('summary', undefined, w.more),
    checkboxes(w.categoriesAll, rule.all, categoryChoices, `${at}.eligible.categoriesAll`, changed, 'grid'),
    checkboxes(
      w.channels,
      rule.channels,
      CHANNELS.map((channel) => [channel, w.channelNames[channel]]),
      `${at}.channels`,
      changed,
      'inline',
    ),
    field(
      w.minSpend,
      textInput(rule, 'minSpend', `${at}.minSpendFen`, changed, { numeric: true, decimal: true }),
    ),
  );

  set.append(names, ages, any, periods, benefit, group, funding, more);
  return set;
}

function capsFieldset(form, changed, redraw) {
  const w = words();
  const set = element('fieldset', 'caps');
  set.dataset.path = 'caps';
  set.append(element('legend', undefined, w.capsTitle));
  form.caps.forEach((cap, index) => {
    const at = `caps[${index}]`;
    const row = element('div', 'cap-row');
    row.append(
      field(
        w.capPer,
        select(
          cap,
          'per',
          `${at}.per`,
          CAP_PERS.map((per) => [per, w.capPers[per]]),
          changed,
        ),
      ),
      field(w.capMax, textInput(cap, 'max', `${at}.max`, changed, { numeric: true })),
      button(
        '×',
        'icon remove',
        () => {
          form.caps.splice(index, 1);
          redraw();
        },
        `${w.removeCap} ${index + 1}`,
      ),
      field(
        w.capPeriod,
        select(
          cap,
          'period',
          `${at}.period`,
          [['', w.capAllPeriods], ...PERIODS.map((period) => [period, w.periodNames[period]])],
          changed,
        ),
      ),
      field(w.capGroup, textInput(cap, 'stackGroup', `${at}.stackGroup`, changed)),
    );
    set.append(row);
  });
  set.append(
    button(w.addCap, 'add', () => {
      form.caps.push(blankCap());
      redraw();
    }),
  );
  return set;
}

/** Draws the form of `form` into `container`. */
export function drawForm(container, form, changed, redraw) {
  const w = words();
  const policy = element('fieldset', 'policy-part');
  policy.append(element('legend', undefined, w.policyPart));
  const policyFields = element('div', 'fields');
  policyFields.append(
    field(
      w.scope,
      select(
        form,
        'scope',
        'scope',
        SCOPES.map((scope) => [scope, w.scopes[scope]]),
        changed,
      ),
    ),
    field(
      w.offlineExcess,
      select(
        form,
        'offlineExcess',
        'offlineExcess',
        OFFLINE_EXCESS.map((kind) => [kind, w.offlineExcessKinds[kind]]),
        changed,
      ),
    ),
  );
  policy.append(
    policyFields,
    field(
      w.elderMinPay,
      textInput(form, 'elderMinPay', 'elderMinPayFen', changed, { numeric: true, decimal: true }),
    ),
  );

  const rules = element('div', 'rules');
  rules.dataset.path = 'rules';
  rules.append(element('h3', undefined, w.rulesTitle));
  form.rules.forEach((rule, index) => {
    rules.append(ruleFieldset(form, rule, index, changed, redraw));
  });
  rules.append(
    button(w.addRule, 'add', () => {
      const taken = new Set(form.rules.map((rule) => rule.ruleId));
      let number = form.rules.length + 1;
      while (taken.has(`rule-${number}`)) number += 1;
      form.rules.push(blankRule(number));
      redraw();
    }),
  );

  const operating = element('fieldset', 'operating');
  operating.append(element('legend', undefined, w.operatingTitle));
  const operatingFields = element('div', 'fields two');
  operatingFields.append(
    field(
      w.perSubsidisedMeal,
      textInput(form, 'perSubsidisedMeal', 'operatingSubsidy.perSubsidisedMeal', changed, {
        numeric: true,
        decimal: true,
      }),
    ),
    field(
      w.perElderDay,
      textInput(form, 'perElderDay', 'operatingSubsidy.perElderDay', changed, {
        numeric: true,
        decimal: true,
      }),
    ),
  );
  operating.append(operatingFields);

  container.replaceChildren(policy, rules, capsFieldset(form, changed, redraw), operating);
}
