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

function writeObject(object: Record<string, unknown>): string | undefined {
  const keys = Object.keys(object).sort();
  // The sorted copy is a plain object: its integer-like keys come first, in numeric order.
  if (keys.some(isArrayIndex)) {
    const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
    keys.splice(0, keys.length, ...indices, ...keys.filter((key) => !isArrayIndex(key)));
  }
  let text = '{';
  let first = true;
  for (const key of keys) {
    const entry = object[key];
    // A toJSON method on the copy would be called by JSON.stringify: leave that rare case to it.
    if (key === 'toJSON' && typeof entry === 'function') return JSON.stringify(sortKeys(object));
    const written = write(entry);
    if (written === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${written}`;
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
