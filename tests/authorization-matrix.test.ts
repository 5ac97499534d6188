import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdOf } from '../domain/supervision/alert.ts';
import { idNumber, MENU, saleBody, setUpBureau, TEST_POLICY } from './support/bureau.ts';
import { startTestService, type TestService } from './support/service.ts';

/*
 * Who may call what: every endpoint of the settlement service against every kind of caller, each
 * cell answered over real HTTP. A refused caller gets 401 `unauthenticated` (no token, or one the
 * service does not know) or 403 `forbidden` (a known caller outside its role, canteen or terminal)
 * and writes nothing; an allowed caller is served (2xx: each row asks for something its callers may
 * really have, in a state where it holds).
 * The rows must cover exactly the operations of the OpenAPI document, and each row's allowed roles
 * must be the callers that document declares.
 */

/** The roles a credential acts in: a terminal's, or a bureau or canteen user's. */
type Role = 'terminal' | 'canteen-manager' | 'auditor' | 'reviewer' | 'admin';

/**
 * Callers (role null: a credential the service must not accept), in the order each row tries its
 * allowed ones after its refused ones: the reviewer comes before the admins so that the month is
 * approved by someone other than the admin who closed it.
 */
const PRINCIPALS = {
  none: { role: null, about: 'no authorization header' },
  garbage: { role: null, about: 'a random bearer token' },
  otherScheme: { role: null, about: 'the admin token under the Basic scheme' },
  forgedTerminal: { role: null, about: 'a terminal token for t1 with a made-up secret' },
  forgedUser: { role: null, about: 'a user token for the reviewer with a made-up secret' },
  movedTerminal: { role: null, about: 'the token t4 had before it moved to another canteen' },
  rotatedTerminal: { role: null, about: 'the token t5 had before the bureau issued it a new one' },
  replacedUser: { role: null, about: 'an admin user’s token from before the user was changed' },
  t1: { role: 'terminal', about: 'terminal t1 of canteen c1' },
  t2: { role: 'terminal', about: 'terminal t2 of canteen c1 (same canteen as t1, another terminal)' },
  t3: { role: 'terminal', about: 'terminal t3 of canteen c2' },
  m1: { role: 'canteen-manager', about: 'the manager of canteen c1' },
  m2: { role: 'canteen-manager', about: 'the manager of canteen c2' },
  auditor: { role: 'auditor', about: 'a bureau auditor' },
  reviewer: { role: 'reviewer', about: 'a bureau reviewer' },
  admin: { role: 'admin', about: 'a registered bureau admin' },
  builtInAdmin: { role: 'admin', about: 'ZHUCAN_ADMIN_TOKEN' },
} as const satisfies Record<string, { role: Role | null; about: string }>;

type Principal = keyof typeof PRINCIPALS;
const EVERYONE = Object.keys(PRINCIPALS) as Principal[];
const ADMINS = ['admin', 'builtInAdmin'] as const satisfies Principal[];
const BUREAU = ['auditor', 'reviewer', ...ADMINS] as const satisfies Principal[];
const TERMINALS = ['t1', 't2', 't3'] as const satisfies Principal[];

const MONTH = '2026-10';
/** Sold by t1 at canteen c1 before the rows run; the void row aims at it. */
const C1_SALE = randomUUID();
/**
 * Afternoon meals sold by t1 before the rows run, each raising an outside-hours alert: one to
 * confirm and one to dismiss per allowed caller, since another person's decision on a decided alert
 * is refused.
 */
const AFTERNOON_SALES = Array.from({ length: 6 }, () => randomUUID());
const AFTERNOON_ALERTS = AFTERNOON_SALES.map((saleId) => alertIdOf('outside-hours', [saleId]));
const alertDecisionPaths = (decision: string, first: number) => ({
  reviewer: `/api/v1/alerts/${AFTERNOON_ALERTS[first]}/${decision}`,
  admin: `/api/v1/alerts/${AFTERNOON_ALERTS[first + 1]}/${decision}`,
  builtInAdmin: `/api/v1/alerts/${AFTERNOON_ALERTS[first + 2]}/${decision}`,
});

/** A canteen's statement as the bureau issued it, for the auditors' check of an uploaded statement. */
let issuedStatement = new Uint8Array();
/** A one-elder roster, as a clerk uploads it. */
let roster = new Uint8Array();

interface Row {
  /** The operation as the OpenAPI document names it: method and templated path. */
  readonly endpoint: string;
  /** A concrete request path (with query) that the endpoint serves. */
  readonly path: string;
  readonly body?: () => unknown;
  /** The body's media type when it is a document sent as bytes rather than JSON. */
  readonly bodyType?: string;
  /** Everyone else is refused. */
  readonly allowed: readonly Principal[];
  /** For allowed callers that each need their own target, the path each calls instead of `path`. */
  readonly pathFor?: Partial<Record<Principal, string>>;
}

/*
 * Rows run in this order, one after the other: the month is closed before it is reviewed, reviewed
 * before it is approved, approved before it is paid, so that an allowed step really takes effect.
 */
const ROWS: readonly Row[] = [
  { endpoint: 'get /api/v1/openapi.json', path: '/api/v1/openapi.json', allowed: EVERYONE },

  // Registration: the bureau admin only.
  {
    endpoint: 'put /api/v1/policies/{policyId}',
    path: '/api/v1/policies/matrix-2025',
    body: () => ({
      ...TEST_POLICY,
      policyId: 'matrix-2025',
      name: '往年政策',
      effectiveFrom: '2025-01-01',
      effectiveTo: '2026-01-01',
    }),
    allowed: ADMINS,
  },
  {
    endpoint: 'put /api/v1/funding-sources/{sourceId}',
    path: '/api/v1/funding-sources/matrix-fund',
    body: () => ({ name: '矩阵资金' }),
    allowed: ADMINS,
  },
  { endpoint: 'get /api/v1/funding-sources', path: '/api/v1/funding-sources', allowed: BUREAU },
  {
    endpoint: 'put /api/v1/canteens/{canteenId}',
    path: '/api/v1/canteens/c9',
    body: () => ({
      name: '南区食堂',
      district: '南区',
      town: '一街道',
      periods: { lunch: { from: '11:00', to: '13:30' } },
      menu: MENU,
    }),
    allowed: ADMINS,
  },
  {
    endpoint: 'put /api/v1/elders/{elderId}',
    path: '/api/v1/elders/e91',
    body: () => elderBody('1938-02-01', '517'),
    allowed: ADMINS,
  },
  {
    endpoint: 'put /api/v1/elders/{elderId}/categories',
    path: '/api/v1/elders/e90/categories',
    body: () => ({ categories: [{ category: 'dibao', from: '2026-01-01' }] }),
    allowed: ADMINS,
  },
  {
    endpoint: 'post /api/v1/elders/{elderId}/cards',
    path: '/api/v1/elders/e90/cards',
    body: () => ({ cardUid: 'K90' }),
    allowed: ADMINS,
  },
  {
    endpoint: 'post /api/v1/elders/{elderId}/death',
    path: '/api/v1/elders/e90/death',
    body: () => ({ date: '2026-10-30' }),
    allowed: ADMINS,
  },
  {
    endpoint: 'post /api/v1/elders/import',
    path: '/api/v1/elders/import',
    body: () => roster,
    bodyType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    allowed: ADMINS,
  },
  {
    endpoint: 'get /api/v1/elders/import/template.xlsx',
    path: '/api/v1/elders/import/template.xlsx',
    allowed: ADMINS,
  },
  // Finding elders (masked): the bureau.
  { endpoint: 'get /api/v1/elders', path: '/api/v1/elders?q=e90', allowed: BUREAU },
  {
    endpoint: 'put /api/v1/terminals/{terminalId}',
    path: '/api/v1/terminals/t9',
    body: () => ({ canteenId: 'c2' }),
    allowed: ADMINS,
  },
  {
    endpoint: 'post /api/v1/terminals/{terminalId}/token',
    path: '/api/v1/terminals/t9/token',
    allowed: ADMINS,
  },
  {
    endpoint: 'put /api/v1/users/{userId}',
    path: '/api/v1/users/probe',
    body: () => ({ name: '新审计', role: 'auditor' }),
    allowed: ADMINS,
  },

  // Selling: terminals, each for its own canteen (the canteen comes from the token, not the body).
  { endpoint: 'post /api/v1/sales', path: '/api/v1/sales', body: () => saleBody(), allowed: TERMINALS },
  {
    endpoint: 'post /api/v1/sales/quote',
    path: '/api/v1/sales/quote',
    body: () => saleBody(),
    allowed: TERMINALS,
  },
  {
    endpoint: 'post /api/v1/sales/batch',
    path: '/api/v1/sales/batch',
    body: () => ({ sales: [saleBody()] }),
    allowed: TERMINALS,
  },
  {
    // A terminal voids its own canteen's sales only; the admin any.
    endpoint: 'post /api/v1/sales/{saleId}/void',
    path: `/api/v1/sales/${C1_SALE}/void`,
    body: () => ({ reason: '点错' }),
    allowed: ['t1', 't2', ...ADMINS],
  },

  // A terminal's own resources: not another terminal's, even of the same canteen.
  {
    endpoint: 'put /api/v1/terminals/{terminalId}/queue',
    path: '/api/v1/terminals/t1/queue',
    body: () => ({ queuedSales: 3 }),
    allowed: ['t1'],
  },
  {
    endpoint: 'get /api/v1/terminals/{terminalId}/offline-copy',
    path: '/api/v1/terminals/t1/offline-copy',
    allowed: ['t1'],
  },

  // Read models with elders' meals and terminals: the bureau admin.
  {
    endpoint: 'get /api/v1/elders/{elderId}/ledger',
    path: `/api/v1/elders/e80/ledger?month=${MONTH}`,
    allowed: ADMINS,
  },
  {
    endpoint: 'get /api/v1/elders/{elderId}/statement.pdf',
    path: `/api/v1/elders/e80/statement.pdf?month=${MONTH}`,
    allowed: ADMINS,
  },
  {
    endpoint: 'get /api/v1/canteens/{canteenId}/days/{date}',
    path: '/api/v1/canteens/c1/days/2026-10-08',
    allowed: ADMINS,
  },
  { endpoint: 'get /api/v1/terminals', path: '/api/v1/terminals?canteenId=c1', allowed: ADMINS },
  // 登记簿: what is registered, masked, for every bureau role to read.
  { endpoint: 'get /api/v1/elders/{elderId}', path: '/api/v1/elders/e80', allowed: BUREAU },
  { endpoint: 'get /api/v1/canteens', path: '/api/v1/canteens', allowed: BUREAU },
  { endpoint: 'get /api/v1/canteens/{canteenId}', path: '/api/v1/canteens/c1', allowed: BUREAU },
  // 监管看板: the bureau's figures at a glance.
  { endpoint: 'get /api/v1/dashboard', path: `/api/v1/dashboard?date=${MONTH}-08`, allowed: BUREAU },

  // 监管预警: the bureau reads alerts; reviewers and admins decide them; the admin sets thresholds.
  { endpoint: 'get /api/v1/alerts', path: `/api/v1/alerts?month=${MONTH}`, allowed: BUREAU },
  {
    endpoint: 'get /api/v1/alerts/{alertId}',
    path: `/api/v1/alerts/${AFTERNOON_ALERTS[0]}`,
    allowed: BUREAU,
  },
  {
    endpoint: 'post /api/v1/alerts/{alertId}/confirm',
    path: `/api/v1/alerts/${AFTERNOON_ALERTS[0]}/confirm`,
    pathFor: alertDecisionPaths('confirm', 0),
    body: () => ({ reason: '核实为代刷' }),
    allowed: ['reviewer', ...ADMINS],
  },
  {
    endpoint: 'post /api/v1/alerts/{alertId}/dismiss',
    path: `/api/v1/alerts/${AFTERNOON_ALERTS[3]}/dismiss`,
    pathFor: alertDecisionPaths('dismiss', 3),
    body: () => ({ reason: '社区活动加餐' }),
    allowed: ['reviewer', ...ADMINS],
  },
  { endpoint: 'get /api/v1/supervision/settings', path: '/api/v1/supervision/settings', allowed: BUREAU },
  {
    endpoint: 'put /api/v1/supervision/settings',
    path: '/api/v1/supervision/settings',
    body: () => ({ voidRate: { multiple: 4 } }),
    allowed: ADMINS,
  },

  // 政策测算: the bureau simulates; nothing is recorded.
  {
    endpoint: 'post /api/v1/simulations',
    path: '/api/v1/simulations',
    body: () => ({
      month: MONTH,
      policy: { ...TEST_POLICY, rules: [{ ...TEST_POLICY.rules[0], benefit: { kind: 'fixed', fen: 500 } }] },
    }),
    allowed: BUREAU,
  },
  {
    endpoint: 'post /api/v1/simulations/export.xlsx',
    path: '/api/v1/simulations/export.xlsx',
    body: () => ({ month: MONTH, proposals: [{ label: '五元', policy: TEST_POLICY }] }),
    allowed: BUREAU,
  },

  // 月结: the admin closes and pays, the reviewer (or admin) reviews and approves, the bureau reads.
  {
    endpoint: 'post /api/v1/settlements/{month}/close',
    path: `/api/v1/settlements/${MONTH}/close`,
    allowed: ADMINS,
  },
  { endpoint: 'get /api/v1/settlements/{month}', path: `/api/v1/settlements/${MONTH}`, allowed: BUREAU },
  {
    endpoint: 'post /api/v1/settlements/{month}/review',
    path: `/api/v1/settlements/${MONTH}/review`,
    body: () => ({ note: '已核' }),
    allowed: ['reviewer', ...ADMINS],
  },
  {
    endpoint: 'post /api/v1/settlements/{month}/approve',
    path: `/api/v1/settlements/${MONTH}/approve`,
    body: () => ({ note: '同意' }),
    allowed: ['reviewer', ...ADMINS],
  },
  {
    endpoint: 'post /api/v1/settlements/{month}/pay',
    path: `/api/v1/settlements/${MONTH}/pay`,
    body: () => ({}),
    allowed: ADMINS,
  },
  {
    endpoint: 'post /api/v1/statements/verify',
    path: '/api/v1/statements/verify',
    body: () => issuedStatement,
    bodyType: 'application/pdf',
    allowed: BUREAU,
  },
  {
    endpoint: 'get /api/v1/settlements/{month}/verify',
    path: `/api/v1/settlements/${MONTH}/verify?canteenId=c1`,
    allowed: BUREAU,
  },
  {
    endpoint: 'get /api/v1/settlements/{month}/export.csv',
    path: `/api/v1/settlements/${MONTH}/export.csv?list=payments`,
    allowed: BUREAU,
  },
  {
    endpoint: 'get /api/v1/settlements/{month}/export.xlsx',
    path: `/api/v1/settlements/${MONTH}/export.xlsx`,
    allowed: BUREAU,
  },
  {
    endpoint: 'get /api/v1/settlements/{month}/statement.pdf',
    path: `/api/v1/settlements/${MONTH}/statement.pdf`,
    allowed: BUREAU,
  },
  // A canteen manager reads its own canteen's month: c1's manager, not c2's.
  {
    endpoint: 'get /api/v1/settlements/{month}/canteens/{canteenId}/statement.pdf',
    path: `/api/v1/settlements/${MONTH}/canteens/c1/statement.pdf`,
    allowed: ['m1', ...BUREAU],
  },
  {
    endpoint: 'get /api/v1/settlements/{month}/canteens/{canteenId}',
    path: `/api/v1/settlements/${MONTH}/canteens/c1`,
    allowed: ['m1', ...BUREAU],
  },
];

/** Open endpoints outside the API document: probes, Prometheus and the dashboard page. */
const OUTSIDE_THE_DOCUMENT: readonly Row[] = [
  { endpoint: 'get /health', path: '/health', allowed: EVERYONE },
  { endpoint: 'get /metrics', path: '/metrics', allowed: EVERYONE },
  // The dashboard page holds no data: it signs in and reads /api/v1/dashboard.
  { endpoint: 'get /dashboard', path: '/dashboard', allowed: EVERYONE },
  // So does the policy simulation page: it posts to /api/v1/simulations with the token given.
  { endpoint: 'get /dashboard/simulation', path: '/dashboard/simulation', allowed: EVERYONE },
  // And the roster import page: it posts the file to /api/v1/elders/import with the token given.
  { endpoint: 'get /dashboard/import', path: '/dashboard/import', allowed: EVERYONE },
];

function elderBody(birth: string, sequence: string) {
  return {
    name: '李四海',
    idNumber: idNumber(birth, sequence),
    district: '西城区',
    town: '一街道',
    categories: [],
  };
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

interface OpenApiOperation {
  readonly 'x-callers': readonly string[];
}

describe('authorization matrix: every endpoint × every kind of caller', () => {
  let service: TestService;
  let document: { paths: Record<string, Record<string, OpenApiOperation>> };
  /*
   * The service's clock stands after October (so the month can be closed) and moves 4 s with each
   * request: no address then presents more than 15 unknown tokens a minute, below the limit at
   * which it would be refused with 429 (sign-in-limit.int.test.ts proves that limit).
   */
  let clock = Date.parse('2026-11-20T10:00:00+08:00');
  const authorization = new Map<Principal, string | null>();

  const send = async (principal: Principal, row: Row): Promise<Answer> => {
    clock += 4_000;
    const header = authorization.get(principal);
    if (header === undefined) throw new Error(`no credential for ${principal}`);
    const body = row.body?.();
    const response = await fetch(`${service.url}${row.pathFor?.[principal] ?? row.path}`, {
      method: row.endpoint.split(' ')[0]?.toUpperCase(),
      headers: {
        ...(body === undefined ? {} : { 'content-type': row.bodyType ?? 'application/json' }),
        ...(header === null ? {} : { authorization: header }),
      },
      ...(body === undefined ? {} : { body: row.bodyType ? (body as Uint8Array) : JSON.stringify(body) }),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  };

  beforeAll(async () => {
    service = await startTestService({ now: () => clock });
    const { tokens } = await setUpBureau(service);
    const admin = async (method: string, path: string, body: unknown) => {
      const answer = await service.call(method, path, service.adminToken, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
      return answer.body;
    };
    const user = async (userId: string, name: string, role: Role, canteenId?: string) =>
      (await admin('PUT', `/api/v1/users/${userId}`, { name, role, ...(canteenId ? { canteenId } : {}) }))
        .token as string;

    const moved = (await admin('PUT', '/api/v1/terminals/t4', { canteenId: 'c1' })).token as string;
    await admin('PUT', '/api/v1/terminals/t4', { canteenId: 'c2' });
    const rotated = (await admin('PUT', '/api/v1/terminals/t5', { canteenId: 'c1' })).token as string;
    await admin('POST', '/api/v1/terminals/t5/token', undefined);
    const replaced = await user('former', '旧管理员', 'admin');
    await user('former', '新管理员', 'admin');
    await admin('PUT', '/api/v1/elders/e90', elderBody('1939-06-01', '331'));
    const sold = await service.call('POST', '/api/v1/sales', tokens.t1, saleBody({ saleId: C1_SALE }));
    expect(sold.status).toBe(201);
    for (const [index, saleId] of AFTERNOON_SALES.entries()) {
      const occurredAt = `${MONTH}-${String(10 + index).padStart(2, '0')}T15:30:00+08:00`;
      const body = saleBody({ saleId, occurredAt, terminalSeq: 2 + index });
      expect((await service.call('POST', '/api/v1/sales', tokens.t1, body)).status).toBe(201);
    }

    const bearer = (token: string) => `Bearer ${token}`;
    const made = (prefix: string, id: string) => bearer(`${prefix}${randomBytes(32).toString('hex')}.${id}`);
    const credentials: Record<Principal, string | null> = {
      none: null,
      garbage: bearer(`za_${randomBytes(16).toString('hex')}`),
      otherScheme: `Basic ${service.adminToken}`,
      forgedTerminal: made('zt_', 't1'),
      forgedUser: made('zu_', 'reviewer'),
      movedTerminal: bearer(moved),
      rotatedTerminal: bearer(rotated),
      replacedUser: bearer(replaced),
      t1: bearer(tokens.t1),
      t2: bearer(tokens.t2),
      t3: bearer(tokens.t3),
      m1: bearer(await user('m1', '西城食堂经理', 'canteen-manager', 'c1')),
      m2: bearer(await user('m2', '东城食堂经理', 'canteen-manager', 'c2')),
      auditor: bearer(await user('auditor', '审计员', 'auditor')),
      reviewer: bearer(await user('reviewer', '审核员', 'reviewer')),
      admin: bearer(await user('admin', '经办人', 'admin')),
      builtInAdmin: bearer(service.adminToken),
    };
    for (const principal of EVERYONE) authorization.set(principal, credentials[principal]);

    await service.projections.catchUp();
    const statement = await fetch(`${service.url}/api/v1/settlements/${MONTH}/canteens/c1/statement.pdf`, {
      headers: { authorization: bearer(service.adminToken) },
    });
    expect(statement.status).toBe(200);
    issuedStatement = new Uint8Array(await statement.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('花名册');
    sheet.addRow(['姓名', '身份证号', '区', '街镇', '签约食堂', '类别', '起始日期', '截止日期', '卡号']);
    sheet.addRow([
      '周桂芳',
      idNumber('1937-05-05', '642'),
      '西城区',
      '一街道',
      'c1',
      '低保',
      '2026-01-01',
      '',
      'K93',
    ]);
    roster = new Uint8Array(await workbook.xlsx.writeBuffer());
    const response = await fetch(`${service.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
  });
  afterAll(() => service?.close());

  it('has one row for each operation of the OpenAPI document, and no other', () => {
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${path}`),
      ),
    );
    const inMatrix = ROWS.map((row) => row.endpoint);
    expect({
      documentedWithoutRow: [...documented].filter((endpoint) => !inMatrix.includes(endpoint)),
      rowsWithoutOperation: inMatrix.filter((endpoint) => !documented.has(endpoint)),
      rowsTwice: inMatrix.filter((endpoint, index) => inMatrix.indexOf(endpoint) !== index),
    }).toEqual({ documentedWithoutRow: [], rowsWithoutOperation: [], rowsTwice: [] });
  });

  it('allows exactly the callers each operation declares', () => {
    for (const row of ROWS) {
      const [method = '', path = ''] = row.endpoint.split(' ');
      const declared = [...(document.paths[path]?.[method]?.['x-callers'] ?? [])].sort();
      const roles = new Set(row.allowed.map((principal) => PRINCIPALS[principal].role));
      const allowed = roles.has(null) ? ['anyone'] : [...roles].sort();
      expect(allowed, row.endpoint).toEqual(declared);
      // Everyone, or no credential the service must refuse.
      if (roles.has(null)) expect(row.allowed, row.endpoint).toEqual(EVERYONE);
    }
  });

  it('aims each row at its own endpoint', () => {
    for (const row of [...ROWS, ...OUTSIDE_THE_DOCUMENT]) {
      const template = row.endpoint.split(' ')[1] ?? '';
      const pattern = new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const path of [row.path, ...Object.values(row.pathFor ?? {})])
        expect(path.split('?')[0], row.endpoint).toMatch(pattern);
    }
  });

  for (const row of [...ROWS, ...OUTSIDE_THE_DOCUMENT]) {
    it(row.endpoint, async () => {
      const refused = EVERYONE.filter((principal) => !row.allowed.includes(principal));
      for (const principal of refused) {
        const label = `${principal} (${PRINCIPALS[principal].about}) → ${row.endpoint}`;
        const expected = PRINCIPALS[principal].role === null ? [401, 'unauthenticated'] : [403, 'forbidden'];
        const before = await service.eventCount();
        const answer = await send(principal, row);
        expect(answer.status, `${label}: ${answer.text}`).toBe(expected[0]);
        expect(answer.contentType, label).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(answer.text), label).toMatchObject({ status: expected[0], code: expected[1] });
        expect(await service.eventCount(), `${label} wrote events`).toBe(before);
      }
      for (const principal of row.allowed) {
        const label = `${principal} (${PRINCIPALS[principal].about}) → ${row.endpoint}`;
        const answer = await send(principal, row);
        // Past the guard. Each row's request is one its callers may really make, in a state where it
        // holds (repeats answer as the first time did), so an allowed caller is served, not refused.
        expect([401, 403], `${label}: ${answer.text}`).not.toContain(answer.status);
        expect(answer.status, `${label}: ${answer.text}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${label}: ${answer.text}`).toBeLessThan(300);
      }
    });
  }
});
