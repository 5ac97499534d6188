import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CATALOGUE } from '../../domain/problems/problem-catalogue.ts';
import { startTestService, type TestService } from '../support/service.ts';
import {
  differences,
  type Exchange,
  exchangeOutline,
  fillIn,
  headerMatches,
  isProblem,
  matchString,
  parseDocumentedJson,
  parseExchanges,
  type Variables,
} from './api-exchanges.ts';

/*
 * The API guide's examples are real: every exchange of docs/api.md is sent, in order, to a service
 * on a fresh database, and its answer must contain what the guide shows (see api-exchanges.ts for
 * how the guide writes them). The English guide must show the very same exchanges. Set
 * API_DOCS_SHOW=1 to print every real answer while writing the guide.
 */

const root = path.resolve(import.meta.dirname, '../..');
const GUIDES = { zh: 'docs/api.md', en: 'docs/api.en.md' } as const;
const markdown = {
  zh: readFileSync(path.join(root, GUIDES.zh), 'utf8'),
  en: readFileSync(path.join(root, GUIDES.en), 'utf8'),
};
const exchanges = parseExchanges(markdown.zh, GUIDES.zh);
const englishExchanges = parseExchanges(markdown.en, GUIDES.en);
const show = process.env.API_DOCS_SHOW === '1';

/** The rows `| \`code\` | status | … |` of a guide's error table. */
function errorTable(text: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of text.matchAll(/^\|\s*`([a-z][a-z-]*)`\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(match[1] as string, Number(match[2]));
  }
  return rows;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !/\.(test|fixture)\.ts$/.test(file))
    .map((file) => path.join(root, folder, file));
}

/** Codes raised outside the catalogue: domain errors and problems built by hand. */
function codesRaisedInCode(): Map<string, number | null> {
  const codes = new Map<string, number | null>();
  const kindStatus: Record<string, number> = {
    invalid: 400,
    'not-found': 404,
    conflict: 409,
    'not-allowed': 422,
  };
  for (const file of [...sourceFiles('domain'), ...sourceFiles('settlement-service')]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new DomainError\(\s*'([a-z-]+)',\s*'([a-z-]+)'/g)) {
      codes.set(match[2] as string, kindStatus[match[1] as string] ?? null);
    }
    for (const match of text.matchAll(/new Problem\(\s*(\d{3}),\s*'([a-z-]+)'/g)) {
      codes.set(match[2] as string, Number(match[1]));
    }
  }
  return codes;
}

describe('the API guide (docs/api.md, docs/api.en.md)', () => {
  it('has exchanges, and the English guide has the same ones in the same order', () => {
    expect(exchanges.length).toBeGreaterThan(20);
    expect(exchangeOutline(englishExchanges)).toEqual(exchangeOutline(exchanges));
  });

  it('asks for English in every English refusal, and leaves the language out in the Chinese guide', () => {
    const asksEnglish = (exchange: Exchange) =>
      exchange.request.headers.some(([name, value]) => /^accept-language$/i.test(name) && value === 'en');
    const problems = englishExchanges.filter(isProblem);
    expect(problems.length).toBeGreaterThan(5);
    for (const exchange of problems)
      expect(asksEnglish(exchange), `${GUIDES.en}:${exchange.line}`).toBe(true);
    for (const exchange of exchanges.filter(isProblem)) {
      expect(asksEnglish(exchange), `${GUIDES.zh}:${exchange.line}`).toBe(false);
    }
  });

  it('starts with a link to the other language and names the OpenAPI document as the reference', () => {
    expect(markdown.zh.split('\n')[0]).toContain('(api.en.md)');
    expect(markdown.en.split('\n')[0]).toContain('(api.md)');
    for (const text of Object.values(markdown)) expect(text).toContain('/api/v1/openapi.json');
  });

  it.each(Object.entries(GUIDES))(
    '%s: the error table lists every code the service answers, with its status',
    (language) => {
      const table = errorTable(markdown[language as keyof typeof markdown]);
      const catalogue = new Map(
        Object.entries(PROBLEM_CATALOGUE).map(([code, { status }]) => [code, status]),
      );
      expect(Object.fromEntries(table)).toEqual(Object.fromEntries(catalogue));
      for (const [code, status] of codesRaisedInCode()) {
        expect(table.has(code), `${code} is raised in the code`).toBe(true);
        // A catalogued code keeps the catalogue's status whatever kind of domain error raises it.
        if (status !== null && !catalogue.has(code)) expect(table.get(code)).toBe(status);
      }
    },
  );

  describe.sequential('every exchange, played against the service', () => {
    let service: TestService;
    let clock = 0;
    const variables: Variables = new Map();
    let failedAt: string | undefined;

    beforeAll(async () => {
      service = await startTestService({ now: () => clock });
      variables.set('adminToken', service.adminToken);
    });
    afterAll(() => service?.close());

    const play = async (exchange: Exchange, file: string = GUIDES.zh) => {
      clock = exchange.clock;
      // The read models answer a moment behind the events; the guide shows them caught up.
      await service.projections.catchUp();
      const [method = '', target = ''] = exchange.request.startLine.split(' ');
      const headers = Object.fromEntries(
        exchange.request.headers.map(([name, value]) => [name, fillIn(value, variables)]),
      );
      const body = exchange.request.body === '' ? undefined : fillIn(exchange.request.body, variables);
      const response = await fetch(`${service.url}${fillIn(target, variables)}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const contentType = response.headers.get('content-type') ?? '';
      const isJson = /^application\/([a-z.+-]*\+)?json\b/.test(contentType);
      const text = bytes.toString(isJson || contentType.startsWith('text/') ? 'utf8' : 'latin1');
      const shown = isJson ? JSON.stringify(JSON.parse(text), null, 2) : text.slice(0, 400);
      if (show)
        console.log(`${exchange.line}: ${exchange.request.startLine}\n${response.status}\n${shown}\n`);

      const where = `${file}:${exchange.line} ${exchange.request.startLine}`;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(exchange.response.startLine)?.[1]);
      expect(response.status, `${where}: the status; the real answer:\n${shown}`).toBe(status);
      for (const [name, value] of exchange.response.headers) {
        const actual = response.headers.get(name);
        expect(headerMatches(value, actual, variables), `${where}: header ${name} is ${actual}`).toBe(true);
      }
      if (exchange.response.body === '') return;
      if (isJson) {
        const found = differences(parseDocumentedJson(exchange.response.body), JSON.parse(text), variables);
        expect(found, `${where}: the body; the real answer:\n${shown}`).toEqual([]);
      } else {
        const matched = matchString(exchange.response.body, text.replaceAll('\r\n', '\n').trim(), variables);
        expect(matched, `${where}: the body; the real answer:\n${shown}`).toBe(true);
      }
    };

    for (const exchange of exchanges) {
      it(`line ${exchange.line} (${exchange.section}): ${exchange.request.startLine}`, async (context) => {
        // Later exchanges build on earlier ones: after the first failure they say nothing more.
        if (failedAt !== undefined) context.skip(`an earlier exchange failed (${failedAt})`);
        try {
          await play(exchange);
          // A refusal records nothing: the English guide's is sent too, and must be answered in English.
          const english = englishExchanges[exchanges.indexOf(exchange)];
          if (english && isProblem(english)) await play(english, GUIDES.en);
        } catch (error) {
          failedAt = `line ${exchange.line}`;
          throw error;
        }
      });
    }
  });
});
