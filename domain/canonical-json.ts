/** JSON with object keys sorted, so that equal documents give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  // Written directly rather than as JSON.stringify over a key-sorted copy: digests run this over
  // every sale of a month, and the copy cost more than the hashing. The text is exactly what
  // JSON.stringify gives for the sorted copy (see the unit test), so digests stay what they were.
  return write(value) as string;
}

/** The JSON of a value as it would appear sorted; undefined where JSON.stringify leaves the value out. */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let index = 0; index < value.length; index += 1) {
          if (index > 0) text += ',';
          text += write(value[index]) ?? 'null';
        }
        return `${text}]`;
      }
      return writeObject(value as Record<string, unknown>);
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON.stringify does
    default:
      return undefined;
  }
}

/** How the objects with one list of own keys are written: their keys in the sorted copy's order. */
interface KeyPlan {
  readonly keys: readonly string[];
  readonly order: readonly string[];
  /** `"key":` for each key of `order`. */
  readonly labels: readonly string[];
  /** A toJSON key: JSON.stringify decides what such an object writes. */
  readonly toJson: boolean;
}

/**
 * Plans by the first of their keys. The events of one type share their objects' keys, so a plan is
 * made once instead of sorting and quoting the keys of every object; objects keyed by data (ids,
 * dates) could make any number of plans, so the cache stops growing at a bound.
 */
const plans = new Map<string, KeyPlan[]>();
const MAX_PLANNED_FIRST_KEYS = 1024;
const MAX_PLANS_PER_FIRST_KEY = 8;

function planOf(keys: string[]): KeyPlan {
  const first = keys[0] as string;
  const known = plans.get(first);
  if (known) {
    for (const plan of known) if (sameKeys(plan.keys, keys)) return plan;
  }
  const plan = makePlan(keys);
  if (known) {
    if (known.length < MAX_PLANS_PER_FIRST_KEY) known.push(plan);
  } else if (plans.size < MAX_PLANNED_FIRST_KEYS) {
    plans.set(first, [plan]);
  }
  return plan;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

function makePlan(keys: readonly string[]): KeyPlan {
  const order = [...keys].sort();
  // The sorted copy is a plain object: its integer-like keys come first, in numeric order.
  if (order.some(isArrayIndex)) {
    const indices = order.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
    order.splice(0, order.length, ...indices, ...order.filter((key) => !isArrayIndex(key)));
  }
  return {
    keys: [...keys],
    order,
    labels: order.map((key) => `${JSON.stringify(key)}:`),
    toJson: keys.includes('toJSON'),
  };
}

function writeObject(object: Record<string, unknown>): string | undefined {
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  const plan = planOf(keys);
  // A toJSON method on the copy would be called by JSON.stringify: leave that rare case to it.
  if (plan.toJson && typeof object.toJSON === 'function') return JSON.stringify(sortKeys(object));
  const { order, labels } = plan;
  let text = '{';
  let first = true;
  for (let index = 0; index < order.length; index += 1) {
    const written = write(object[order[index] as string]);
    if (written === undefined) continue;
    text += first ? labels[index] : `,${labels[index]}`;
    text += written;
    first = false;
  }
  return `${text}}`;
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

/** The key-sorted copy that the text above is the JSON of. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
