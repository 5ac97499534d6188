import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Problem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';

/** 1 MB: a sale or a policy document is a few kilobytes; anything near this is a mistake or an attack. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * A minute for a body to arrive: a batch of 500 sales over a poor mobile link takes seconds. A body
 * still trickling in after that holds a connection and its buffer for nothing.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 60_000;

/** 32 MB: the largest document a route takes as bytes (a canteen's statement PDF is well under it). */
export const DOCUMENT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export interface JsonBodyOptions {
  /** The largest body accepted, in bytes. */
  readonly limitBytes?: number;
  /** How long the body may take to arrive once the headers are in. */
  readonly timeoutMs?: number;
  /**
   * Requests that carry a document instead of JSON, by `METHOD /path` (e.g. `POST /api/v1/statements/verify`):
   * their body must be of that media type and is handed on as a `Buffer` of up to
   * `DOCUMENT_BODY_LIMIT_BYTES`.
   */
  readonly documents?: ReadonlyMap<string, string>;
}

/**
 * Reads JSON request bodies into `request.body`, refusing with problems instead of guessing:
 * a body that is not JSON (415), larger than the limit (413), not UTF-8 or not well-formed (400),
 * or not complete within the time allowed (408).
 * A request without a body (none announced, or zero bytes) passes with `request.body` undefined,
 * so that body-less POSTs need no Content-Type. Mount it before the routes and before any other
 * body parser.
 */
export function createJsonBodyParser({
  limitBytes: jsonLimitBytes = DEFAULT_BODY_LIMIT_BYTES,
  timeoutMs = DEFAULT_BODY_TIMEOUT_MS,
  documents = new Map(),
}: JsonBodyOptions = {}): RequestHandler {
  if (!Number.isSafeInteger(jsonLimitBytes) || jsonLimitBytes < 0) {
    throw new Error(`the body limit must be a whole number of bytes, got ${jsonLimitBytes}`);
  }
  return (request, response, next) => {
    if (!announcesBody(request)) return next();
    const documentType = documents.get(`${request.method} ${request.path}`);
    const limitBytes = documentType === undefined ? jsonLimitBytes : DOCUMENT_BODY_LIMIT_BYTES;
    const refusal = refusalBeforeReading(request, limitBytes, documentType);
    if (refusal !== undefined) {
      // The body stays unread: closing is the only way not to receive it, however large it is.
      response.setHeader('Connection', 'close');
      return next(refusal);
    }
    readUpTo(request, limitBytes, timeoutMs).then((read) => {
      if (read.kind === 'too-large') {
        response.setHeader('Connection', 'close');
        return next(tooLarge(limitBytes));
      }
      if (read.kind === 'too-slow') {
        response.setHeader('Connection', 'close');
        return next(
          problemFor(
            'body-timeout',
            `the body did not arrive within ${timeoutMs / 1000} s`,
            {},
            { detail: `请求内容未在 ${timeoutMs / 1000} 秒内送达` },
          ),
        );
      }
      if (read.kind === 'broken') {
        return next(
          problemFor(
            'invalid-body',
            'the body ended before it was complete',
            {},
            { detail: '请求内容不完整就中断了' },
          ),
        );
      }
      if (read.bytes.length === 0) return next();
      if (documentType !== undefined) {
        request.body = read.bytes;
        return next();
      }
      const parsed = parseJson(read.bytes);
      if (!parsed.ok) return next(parsed.problem);
      request.body = parsed.value;
      next();
    }, next);
  };
}

function announcesBody(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

function refusalBeforeReading(
  request: IncomingMessage,
  limitBytes: number,
  documentType: string | undefined,
): Problem | undefined {
  const mediaType = parseMediaType(request.headers['content-type']);
  if (documentType !== undefined && mediaType?.type !== documentType) {
    return problemFor(
      'unsupported-media-type',
      `the body must be ${documentType}, not ${request.headers['content-type'] ?? 'untyped'}`,
      {},
      { detail: `请求内容须为 ${documentType}，而不是 ${request.headers['content-type'] ?? '未标明的类型'}` },
    );
  }
  if (documentType === undefined && (mediaType === undefined || !isJsonType(mediaType.type))) {
    const given = request.headers['content-type'] ?? 'untyped';
    return problemFor(
      'unsupported-media-type',
      `the body must be application/json, not ${given}`,
      {},
      {
        detail: `请求内容须为 application/json，而不是 ${request.headers['content-type'] ?? '未标明的类型'}`,
      },
    );
  }
  if (documentType === undefined && mediaType?.charset !== undefined && mediaType.charset !== 'utf-8') {
    return problemFor(
      'unsupported-media-type',
      `JSON is read as utf-8, not ${mediaType.charset}`,
      {},
      { detail: `JSON 须为 utf-8 编码，而不是 ${mediaType.charset}` },
    );
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return problemFor(
      'unsupported-media-type',
      `Content-Encoding ${encoding} is not accepted`,
      {},
      { detail: `不接受 Content-Encoding ${encoding}` },
    );
  }
  const declaredLength = Number(request.headers['content-length']);
  if (declaredLength > limitBytes) return tooLarge(limitBytes);
  return undefined;
}

function tooLarge(limitBytes: number): Problem {
  return problemFor(
    'body-too-large',
    `the body may have at most ${limitBytes} bytes`,
    {},
    { detail: `请求内容最多 ${limitBytes} 字节` },
  );
}

interface MediaType {
  readonly type: string;
  readonly charset: string | undefined;
}

function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .map((parameter) => parameter.match(/^charset\s*=\s*"?([^"]*)"?$/)?.[1])
    .find((value) => value !== undefined);
  return { type, charset };
}

/** `application/json`, or a JSON-based type such as `application/merge-patch+json`. */
function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

type BodyRead =
  | { readonly kind: 'complete'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'too-slow' }
  | { readonly kind: 'broken' };

/**
 * Collects the body, but stops reading at the first byte over the limit: a chunked upload has no
 * length to refuse up front, and draining it to the end would let a client keep the server busy.
 */
function readUpTo(request: IncomingMessage, limitBytes: number, timeoutMs: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => {
      request.pause();
      settle({ kind: 'too-slow' });
    }, timeoutMs);
    const settle = (read: BodyRead) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onBroken);
      request.off('close', onBroken);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        request.pause();
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'complete', bytes: Buffer.concat(chunks, received) });
    const onBroken = () => settle({ kind: 'broken' });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onBroken);
    request.on('close', onBroken);
  });
}

type JsonParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: Problem };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Buffer): JsonParse {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      ok: false,
      problem: problemFor(
        'invalid-body',
        'the body is not valid UTF-8',
        {},
        { detail: '请求内容不是有效的 UTF-8' },
      ),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? `: ${error.message}` : '';
    return {
      ok: false,
      problem: problemFor(
        'invalid-body',
        `the body is not valid JSON${reason}`,
        {},
        {
          detail: `请求内容不是有效的 JSON${reason}`,
        },
      ),
    };
  }
}
