/*
 * The HTTP exchanges of the API guide (docs/api.md, docs/api.en.md), read back from the markdown so
 * that a test can play them against the real service.
 *
 * How the guide writes an exchange: a fenced `http` block with the request (request line, headers,
 * blank line, body) followed by a fenced `http` block with the answer (`HTTP/1.1 <status> <reason>`,
 * the headers that matter, blank line, body). In both:
 * - `{{name}}` in a request stands for a value taken from an earlier answer (`{{adminToken}}` is given);
 * - in an answer, `"{{name}}"` takes the value found there (the first time) or must equal it (later);
 * - `…` stands for anything: a value, the rest of a string, further array elements, further members.
 * An answer's JSON body shows a part of the real one: every member shown must be there with that
 * value, members left out may be there too; arrays have exactly the elements shown unless the last
 * one is `…`. A body that is not JSON (CSV, PDF) is matched as text, `…` standing for any run of text.
 * `<!-- clock: <instant> -->` sets the service's clock for the exchanges after it.
 */

export interface HttpMessage {
  /** The request line or the status line. */
  readonly startLine: string;
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Empty when the message has no body. */
  readonly body: string;
}

export interface Exchange {
  /** Where the request block starts (1-based), for messages. */
  readonly line: number;
  /** The heading the exchange stands under. */
  readonly section: string;
  /** The service's clock for this exchange, epoch milliseconds. */
  readonly clock: number;
  readonly request: HttpMessage;
  readonly response: HttpMessage;
  /** The two blocks as written, for comparing the translations. */
  readonly text: string;
}

const CLOCK_DIRECTIVE = /^<!--\s*clock:\s*(\S+)\s*-->\s*$/;
const FENCE = /^```(\S*)\s*$/;
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})\b/;
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/;

function parseMessage(lines: readonly string[]): HttpMessage {
  const [startLine = '', ...rest] = lines;
  const blank = rest.findIndex((line) => line.trim() === '');
  const headerLines = blank === -1 ? rest : rest.slice(0, blank);
  const headers = headerLines.map((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header: ${line}`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as const;
  });
  const body =
    blank === -1
      ? ''
      : rest
          .slice(blank + 1)
          .join('\n')
          .trim();
  return { startLine: startLine.trim(), headers, body };
}

/** The exchanges of a guide, in the order written. */
export function parseExchanges(markdown: string, file = 'markdown'): Exchange[] {
  const lines = markdown.split('\n');
  const exchanges: Exchange[] = [];
  let clock: number | undefined;
  let section = '';
  let pending: { line: number; message: HttpMessage; text: string } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading) section = heading[1] ?? '';
    const directive = CLOCK_DIRECTIVE.exec(line);
    if (directive) {
      clock = Date.parse(directive[1] ?? '');
      if (Number.isNaN(clock)) throw new Error(`${file}:${index + 1}: not an instant: ${directive[1]}`);
    }
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const start = index;
    const block: string[] = [];
    for (index++; index < lines.length && !/^```\s*$/.test(lines[index] ?? ''); index++) {
      block.push(lines[index] ?? '');
    }
    if (fence[1] !== 'http') continue;
    const where = `${file}:${start + 1}`;
    const message = parseMessage(block);
    const text = block.join('\n').trim();
    if (STATUS_LINE.test(message.startLine)) {
      if (!pending) throw new Error(`${where}: an answer without a request before it`);
      if (clock === undefined) throw new Error(`${where}: no clock set before the first exchange`);
      exchanges.push({
        line: pending.line,
        section,
        clock,
        request: pending.message,
        response: message,
        text: `${pending.text}\n\n${text}`,
      });
      pending = undefined;
    } else {
      if (!REQUEST_LINE.test(message.startLine)) throw new Error(`${where}: not a request line`);
      if (pending) throw new Error(`${where}: the request at line ${pending.line} has no answer`);
      pending = { line: start + 1, message, text };
    }
  }
  if (pending) throw new Error(`${file}:${pending.line}: the last request has no answer`);
  return exchanges;
}

/** A refusal: its words (`title`, `detail`, field messages) are in the guide's language. */
export function isProblem(exchange: Exchange): boolean {
  return Number(STATUS_LINE.exec(exchange.response.startLine)?.[1]) >= 400;
}

const LANGUAGE_HEADER = /^(accept-language|content-language)$/i;

function outlineOf(message: HttpMessage, withBody: boolean): string {
  const headers = message.headers.filter(([name]) => !LANGUAGE_HEADER.test(name));
  return [
    message.startLine,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    '',
    withBody ? message.body : '',
  ]
    .join('\n')
    .trim();
}

/**
 * The clock directives and exchanges of a guide, for comparing the two languages: the same requests
 * and answers, but for the language headers and the words of a refusal (the English guide asks for
 * English; the Chinese one leaves the language out and is answered in Chinese).
 */
export function exchangeOutline(exchanges: readonly Exchange[]): string[] {
  return exchanges.map(
    (exchange) =>
      `${new Date(exchange.clock).toISOString()}\n${outlineOf(exchange.request, true)}\n\n${outlineOf(exchange.response, !isProblem(exchange))}`,
  );
}

export type Variables = Map<string, unknown>;

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

/** A request's text with every `{{name}}` replaced by its value; an unknown name is an error. */
export function fillIn(text: string, variables: Variables): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!variables.has(name)) throw new Error(`{{${name}}} has no value yet`);
    const value = variables.get(name);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

export const ANY = '…';

/** JSON with bare `…` allowed: as a value (anything) and as a member (further members). */
export function parseDocumentedJson(text: string): unknown {
  let out = '';
  const containers: ('{' | '[')[] = [];
  let inString = false;
  let lastSignificant = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++index] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (char === '{' || char === '[') containers.push(char);
    if (char === '}' || char === ']') containers.pop();
    if (char === ANY) {
      const memberPosition =
        containers.at(-1) === '{' && (lastSignificant === '{' || lastSignificant === ',');
      out += memberPosition ? `"${ANY}": "${ANY}"` : `"${ANY}"`;
      lastSignificant = '"';
      continue;
    }
    out += char;
    if (!/\s/.test(char)) lastSignificant = char;
  }
  return JSON.parse(out);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A documented string as a pattern: `…` for any run of characters, `{{name}}` for the value of a
 * known name or, for a new one, the characters found there (taken as its value).
 */
function stringPattern(documented: string, variables: Variables): { regex: RegExp; captures: string[] } {
  const captures: string[] = [];
  let source = '';
  let last = 0;
  for (const match of documented.matchAll(/…|\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g)) {
    source += escapeRegExp(documented.slice(last, match.index));
    const name = match[1];
    if (name === undefined) source += '[\\s\\S]*?';
    else if (variables.has(name)) source += escapeRegExp(String(variables.get(name)));
    else {
      captures.push(name);
      source += '([\\s\\S]*?)';
    }
    last = match.index + match[0].length;
  }
  source += escapeRegExp(documented.slice(last));
  return { regex: new RegExp(`^${source}$`), captures };
}

/** Matches a documented string against a real one; binds new names. Answers whether it matched. */
export function matchString(documented: string, actual: string, variables: Variables): boolean {
  const { regex, captures } = stringPattern(documented, variables);
  const found = regex.exec(actual);
  if (!found) return false;
  captures.forEach((name, index) => {
    variables.set(name, found[index + 1]);
  });
  return true;
}

/**
 * Where the real value differs from the documented one (empty when it contains it); binds the
 * placeholders it meets to the real values.
 */
export function differences(
  documented: unknown,
  actual: unknown,
  variables: Variables,
  path = '$',
): string[] {
  if (documented === ANY) return actual === undefined ? [`${path}: missing`] : [];
  if (typeof documented === 'string') {
    const whole = /^\{\{([A-Za-z][A-Za-z0-9]*)\}\}$/.exec(documented)?.[1];
    if (whole !== undefined) {
      if (actual === undefined) return [`${path}: missing`];
      if (!variables.has(whole)) {
        variables.set(whole, actual);
        return [];
      }
      const known = variables.get(whole);
      return JSON.stringify(known) === JSON.stringify(actual)
        ? []
        : [`${path}: expected {{${whole}}} = ${JSON.stringify(known)}, found ${JSON.stringify(actual)}`];
    }
    if (typeof actual === 'string' && matchString(documented, actual, variables)) return [];
    return [`${path}: expected ${JSON.stringify(documented)}, found ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, found ${JSON.stringify(actual)}`];
    const open = documented.at(-1) === ANY;
    const shown = open ? documented.slice(0, -1) : documented;
    if (open ? actual.length < shown.length : actual.length !== shown.length) {
      return [`${path}: expected ${open ? 'at least ' : ''}${shown.length} elements, found ${actual.length}`];
    }
    return shown.flatMap((element, index) =>
      differences(element, actual[index], variables, `${path}[${index}]`),
    );
  }
  if (documented !== null && typeof documented === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object, found ${JSON.stringify(actual)}`];
    }
    return Object.entries(documented).flatMap(([key, value]) => {
      if (key === ANY) return [];
      if (!(key in actual)) return [`${path}.${key}: missing`];
      return differences(value, (actual as Record<string, unknown>)[key], variables, `${path}.${key}`);
    });
  }
  return Object.is(documented, actual)
    ? []
    : [`${path}: expected ${JSON.stringify(documented)}, found ${JSON.stringify(actual)}`];
}

/** A documented header value matches the real one, or the real one without its parameters (`; charset=…`). */
export function headerMatches(documented: string, actual: string | null, variables: Variables): boolean {
  if (actual === null) return false;
  const bare = actual.split(';')[0]?.trim() ?? '';
  return matchString(documented, actual, variables) || matchString(documented, bare, variables);
}
