import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { CounterError } from '../counter/counter-views.ts';

/** A PIN, a tap or a quote is a few hundred bytes; the largest, a quote of 50 items, under 4 kB. */
export const TERMINAL_BODY_LIMIT_BYTES = 16 * 1024;
/** The pages send their small bodies at once; a body still arriving after this is not a cashier. */
export const TERMINAL_BODY_TIMEOUT_MS = 10_000;

const tooLarge = () => new CounterError('body-too-large', 413, '请求内容过大', 'Body too large');
const unsupported = (en: string) => new CounterError('unsupported-media-type', 415, '不支持的请求格式', en);
const malformed = (en: string) => new CounterError('invalid-body', 400, '请求格式错误', en);

/**
 * Reads JSON bodies of the local API into `request.body`. A body that is not UTF-8 JSON is refused
 * (415), one over the limit (413) without reading on: announced too large, it is never read; sent in
 * chunks, reading stops at the first byte over. Either way the connection is closed after the answer,
 * the only way not to receive the rest. A body that takes too long is refused (408) the same way.
 * A request without a body passes with `request.body` undefined.
 */
export function jsonBody({
  limitBytes = TERMINAL_BODY_LIMIT_BYTES,
  timeoutMs = TERMINAL_BODY_TIMEOUT_MS,
} = {}): RequestHandler {
  return (request, response, next) => {
    const length = request.headers['content-length'];
    const announced =
      request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
    if (!announced) return next();
    const refuse = (error: CounterError) => {
      response.setHeader('connection', 'close');
      next(error);
    };
    const type = (request.headers['content-type'] ?? '').toLowerCase().split(';');
    const charset = type
      .slice(1)
      .map((parameter) => parameter.trim().match(/^charset\s*=\s*"?([^"]*)"?$/)?.[1])
      .find((value) => value !== undefined);
    if (type[0]?.trim() !== 'application/json')
      return refuse(unsupported('The body must be application/json'));
    if (charset !== undefined && charset !== 'utf-8')
      return refuse(unsupported('JSON is read as UTF-8 only'));
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
      return refuse(unsupported('Compressed bodies are not accepted'));
    if (Number(length) > limitBytes) return refuse(tooLarge());
    readUpTo(request, limitBytes, timeoutMs).then((read) => {
      if (read === 'too-large') return refuse(tooLarge());
      if (read === 'too-slow')
        return refuse(new CounterError('body-timeout', 408, '请求超时', 'The body took too long'));
      if (read === 'broken') return next(malformed('The body ended before it was complete'));
      if (read.length === 0) return next();
      try {
        request.body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read));
      } catch {
        return next(malformed('The body is not valid UTF-8 JSON'));
      }
      next();
    }, next);
  };
}

function readUpTo(
  request: IncomingMessage,
  limitBytes: number,
  timeoutMs: number,
): Promise<Buffer | 'too-large' | 'too-slow' | 'broken'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (read: Buffer | 'too-large' | 'too-slow' | 'broken') => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onBroken);
      request.off('close', onBroken);
      if (typeof read === 'string') request.pause();
      resolve(read);
    };
    const timer = setTimeout(() => settle('too-slow'), timeoutMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) return settle('too-large');
      chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks, received));
    const onBroken = () => settle('broken');
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onBroken);
    request.on('close', onBroken);
  });
}
