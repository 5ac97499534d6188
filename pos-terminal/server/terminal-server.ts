import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { redactSecrets } from '../../domain/identity/redaction.ts';
import { Problem, sendProblem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import { isBusinessDate } from '../../domain/time/calendar.ts';
import type { CardReader } from '../card-readers/card-reader.ts';
import { normaliseCardUid } from '../card-readers/card-reader.ts';
import { acceptsTaps } from '../card-readers/simulated-reader.ts';
import type { Counter } from '../counter/counter.ts';
import { CounterError } from '../counter/counter-views.ts';
import { type CashierSessions, sessionCookie, tokenOf } from './cashier-sessions.ts';
import { jsonBody } from './json-body.ts';
import { securityHeaders } from './security-headers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAGES = path.join(here, '..', 'pages');
const WEDGE_SCRIPT = path.join(here, '..', 'card-readers', 'keyboard-wedge.js');
/** The pages bring their Chinese font (Noto Sans SC, SIL OFL 1.1): a counter PC may have none. */
const require = createRequire(import.meta.url);
const FONTS: Record<string, string> = {
  'noto-sans-sc-400.ttf': require.resolve(
    '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  ),
  'noto-sans-sc-700.ttf': require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
};

const itemsSchema = z
  .array(z.strictObject({ itemId: z.string().min(1), qty: z.number().int().min(1).max(100) }))
  .min(1)
  .max(50);
const schemas = {
  session: z.strictObject({ pin: z.string().min(1).max(32) }),
  tap: z.strictObject({ cardUid: z.string().min(1).max(64) }),
  quote: z.strictObject({
    cardUid: z.string().min(1).max(64).nullable().optional(),
    items: itemsSchema,
    channel: z.enum(['dine-in', 'delivery']).optional(),
  }),
  confirm: z.strictObject({ quoteId: z.uuid(), paymentMethod: z.string().min(1).max(30) }),
  void: z.strictObject({ managerPin: z.string().min(1).max(32), reason: z.string().min(1).max(200) }),
};

function parse<T extends z.ZodType>(schema: T, request: Request): z.output<T> {
  const parsed = schema.safeParse(request.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new CounterError(
      'invalid-body',
      400,
      `输入有误：${field || '请求内容'}`,
      `Invalid input: ${field} ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** A refusal at the counter as a problem: its English as title and detail, its words in both languages beside. */
function problemOfCounterError(error: CounterError): Problem {
  return new Problem(error.status, error.code, error.en, error.en, { zh: error.zh, en: error.en });
}

const problems: ErrorRequestHandler = (error, _request, response, _next) => {
  // The router could not decode a path parameter (a stray `%`): the caller's mistake.
  const known =
    error instanceof CounterError
      ? error
      : error instanceof URIError
        ? new CounterError('invalid-path', 400, '地址格式错误', 'The path is not valid percent-encoding')
        : null;
  if (!known)
    console.error(
      `[terminal] ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}`,
    );
  const refusal =
    known ?? new CounterError('internal', 500, '终端内部错误，已记录', 'Internal error: logged');
  sendProblem(response, problemOfCounterError(refusal));
};

/**
 * The counter's local web server (localhost): the cashier page, the elder display, and the small
 * JSON API they call. Card taps from any reader reach the pages as server-sent events.
 */
export function createTerminalServer(
  counter: Counter,
  reader: CardReader,
  sessions: CashierSessions,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(jsonBody());

  /** Each page listening, with its browser's session: the state it is sent names its own cashier. */
  const clients = new Map<Response, string | null>();
  const stateFor = (token: string | null, state = counter.state()) => ({
    ...state,
    cashier: sessions.peek(token),
  });
  const send = (client: Response, event: string, data: unknown) =>
    client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const broadcastState = () => {
    const state = counter.state();
    for (const [client, token] of clients) send(client, 'state', stateFor(token, state));
  };
  counter.onChange(broadcastState);
  reader.onCard((cardUid) => {
    for (const client of clients.keys()) send(client, 'card', { cardUid });
  });
  // A session that ends by itself sends its page back to the sign-in.
  const sweeper = setInterval(() => sessions.sweep() && broadcastState(), 5_000);
  sweeper.unref();
  /** What only a signed-in browser may do; its cashier is the one at the till for it. */
  const signedIn = (request: Request, _response: Response, next: () => void) => {
    const cashier = sessions.use(request);
    if (!cashier)
      throw new CounterError('not-signed-in', 401, '请先输入收银员密码登录', 'Sign in with your PIN first');
    counter.actAs(cashier);
    next();
  };
  reader.onStatus((status) => counter.setReaderState(reader.kind, status));
  counter.setReaderState(reader.kind, reader.status());

  app.get('/', (_request, response) => response.sendFile(path.join(PAGES, 'cashier.html')));
  app.get('/display', (_request, response) => response.sendFile(path.join(PAGES, 'display.html')));
  app.get('/assets/keyboard-wedge.js', (_request, response) =>
    response.type('text/javascript').sendFile(WEDGE_SCRIPT),
  );
  app.get('/assets/fonts/:file', (request, response) => {
    const font = FONTS[String(request.params.file)];
    if (!font) return response.status(404).end();
    response.set('cache-control', 'public, max-age=31536000, immutable').type('font/ttf').sendFile(font);
  });
  app.use('/assets', express.static(PAGES, { index: false }));

  app.get('/api/events', (request, response) => {
    response.set({ 'content-type': 'text/event-stream', connection: 'keep-alive' });
    response.flushHeaders();
    const token = tokenOf(request);
    send(response, 'state', stateFor(token));
    clients.set(response, token);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(keepAlive);
      clients.delete(response);
    });
  });
  app.get('/api/state', (request, response) => {
    response.json(stateFor(tokenOf(request)));
  });
  app.post('/api/session', (request, response) => {
    const cashier = counter.authenticate(parse(schemas.session, request).pin);
    const token = sessions.open(cashier);
    response.set('set-cookie', sessionCookie(token)).json(cashier);
    counter.actAs(cashier);
  });
  app.delete('/api/session', (request, response) => {
    sessions.close(request);
    counter.signOut();
    response.set('set-cookie', sessionCookie(null)).status(204).end();
  });
  app.use(['/api/taps', '/api/quote', '/api/sales', '/api/day-report'], signedIn);
  app.post('/api/taps', (request, response) => {
    const { cardUid } = parse(schemas.tap, request);
    if (!acceptsTaps(reader))
      throw new CounterError(
        'reader-not-tappable',
        409,
        '本终端使用读卡器刷卡',
        'This terminal reads cards from its reader',
      );
    reader.tap(cardUid);
    response.status(202).json({ accepted: true });
  });
  app.post('/api/quote', async (request, response) => {
    const body = parse(schemas.quote, request);
    response.json(
      await counter.quoteMeal({
        // Typed by hand as a reader would send it: trimmed, upper case.
        cardUid: body.cardUid ? normaliseCardUid(body.cardUid) : null,
        items: body.items,
        ...(body.channel ? { channel: body.channel } : {}),
      }),
    );
  });
  app.delete('/api/quote', (_request, response) => {
    counter.cancelQuote();
    response.status(204).end();
  });
  app.post('/api/sales', async (request, response) => {
    const body = parse(schemas.confirm, request);
    response.status(201).json(await counter.confirm(body.quoteId, body.paymentMethod));
  });
  app.get('/api/sales', (_request, response) => {
    response.json({ sales: counter.recentSales() });
  });
  app.post('/api/sales/:saleId/void', async (request, response) => {
    const body = parse(schemas.void, request);
    response.json(await counter.voidSale(String(request.params.saleId), body.managerPin, body.reason));
  });
  app.post('/api/sales/:saleId/reprint', async (request, response) => {
    response.json(await counter.reprint(String(request.params.saleId)));
  });
  app.get('/api/day-report', (request, response) => {
    const date = request.query.date;
    if (date !== undefined && (typeof date !== 'string' || !isBusinessDate(date)))
      throw new CounterError('invalid-query', 400, '日期格式应为 YYYY-MM-DD', 'date must be YYYY-MM-DD');
    response.json(counter.dayReport(date));
  });
  app.post('/api/day-report/print', async (_request, response) => {
    response.json(await counter.printDayReport());
  });
  app.post('/api/sync', async (_request, response) => {
    await counter.syncer.syncOnce();
    response.json(counter.state());
  });
  app.use((request, response) => {
    sendProblem(
      response,
      problemFor(
        'not-found',
        `${request.method} ${request.path} is not a resource`,
        {},
        { detail: `没有这个地址：${request.method} ${request.path}` },
      ),
    );
  });
  app.use(problems);
  return app;
}
