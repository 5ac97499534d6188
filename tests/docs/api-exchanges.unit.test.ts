import { describe, expect, it } from 'vitest';
import {
  differences,
  exchangeOutline,
  fillIn,
  headerMatches,
  parseDocumentedJson,
  parseExchanges,
  type Variables,
} from './api-exchanges.ts';

const GUIDE = `# Guide

<!-- clock: 2026-10-08T11:40:00+08:00 -->
## Selling

\`\`\`http
POST /api/v1/sales
Authorization: Bearer {{terminalToken}}
Content-Type: application/json

{ "saleId": "s-1" }
\`\`\`

\`\`\`http
HTTP/1.1 201 Created

{ "saleId": "s-1", … }
\`\`\`

\`\`\`json
{ "not": "an exchange" }
\`\`\`
`;

describe('reading the exchanges of a guide', () => {
  it('pairs each request with its answer, under its heading and clock', () => {
    const [exchange, ...rest] = parseExchanges(GUIDE);
    expect(rest).toEqual([]);
    expect(exchange).toMatchObject({
      line: 6,
      section: 'Selling',
      clock: Date.parse('2026-10-08T03:40:00Z'),
      request: {
        startLine: 'POST /api/v1/sales',
        headers: [
          ['Authorization', 'Bearer {{terminalToken}}'],
          ['Content-Type', 'application/json'],
        ],
        body: '{ "saleId": "s-1" }',
      },
      response: { startLine: 'HTTP/1.1 201 Created', headers: [], body: '{ "saleId": "s-1", … }' },
    });
  });

  it('refuses a request without an answer and an exchange before any clock', () => {
    expect(() => parseExchanges(GUIDE.replace(/```http\nHTTP[^`]*```/, ''))).toThrow(/has no answer/);
    expect(() => parseExchanges(GUIDE.replace(/<!-- clock.*-->/, ''))).toThrow(/no clock/);
  });

  it('sees a changed exchange in the other language', () => {
    const other = parseExchanges(GUIDE.replace('201 Created', '200 OK'));
    expect(exchangeOutline(other)).not.toEqual(exchangeOutline(parseExchanges(GUIDE)));
  });
});

describe('matching a documented answer', () => {
  const match = (documented: string, actual: unknown, variables: Variables = new Map()) =>
    differences(parseDocumentedJson(documented), actual, variables);

  it('lets a bare … stand for a value, further members and further elements', () => {
    expect(match('{ "a": …, … }', { a: [1], b: 2 })).toEqual([]);
    expect(match('[1, …]', [1, 2, 3])).toEqual([]);
    expect(match('{ "a": "x…z" }', { a: 'xyz' })).toEqual([]);
    expect(match('{ "a": "…" }', {})).toEqual(['$.a: missing']);
  });

  it('refuses a wrong value, a missing member and an array of another length', () => {
    expect(match('{ "a": { "b": 1 } }', { a: { b: 2 } })).toEqual(['$.a.b: expected 1, found 2']);
    expect(match('{ "a": 1 }', { b: 1 })).toEqual(['$.a: missing']);
    expect(match('[1]', [1, 2])).toEqual(['$: expected 1 elements, found 2']);
    expect(match('{ "a": "1" }', { a: 1 })).toEqual(['$.a: expected "1", found 1']);
  });

  it('takes a placeholder from the first answer and holds later answers to it', () => {
    const variables: Variables = new Map();
    expect(match('{ "token": "{{token}}" }', { token: 'zt_abc.t-01' }, variables)).toEqual([]);
    expect(fillIn('Bearer {{token}}', variables)).toBe('Bearer zt_abc.t-01');
    expect(match('{ "again": "{{token}}" }', { again: 'zt_other' }, variables)).toHaveLength(1);
    expect(() => fillIn('{{unknown}}', variables)).toThrow(/no value/);
  });

  it('matches a header with or without its parameters', () => {
    expect(headerMatches('text/csv', 'text/csv; charset=utf-8', new Map())).toBe(true);
    expect(headerMatches('application/json', 'application/problem+json; charset=utf-8', new Map())).toBe(
      false,
    );
  });
});
