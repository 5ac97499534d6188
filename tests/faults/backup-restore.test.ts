/**
 * `zhucan backup` and `zhucan restore` (docs/operations.md): a service with sales and a closed month
 * is backed up, restored into a fresh data folder and started there. Its read models carry on from
 * their checkpoints, the closed month answers the same figures and digests, and verifies.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sellMany, setUpBureau } from '../support/bureau.ts';
import { zhucan } from '../support/cli.ts';
import { type EmbeddedServiceProcess, embeddedServiceProcess } from '../support/embedded-service.ts';

const folders: string[] = [];
const services: EmbeddedServiceProcess[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

interface Health {
  eventStore: { position: string };
  projections: {
    name: string;
    generation: number;
    position: string;
    eventsProcessed: number;
    eventsBehind: number;
  }[];
}

// biome-ignore lint/suspicious/noExplicitAny: answers whose shape each assertion names
type Answer = any;

async function caughtUp(service: EmbeddedServiceProcess, timeoutMs = 30_000): Promise<Health> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const health = (await service.call('GET', '/health', null)).body as Health;
    if (health.projections.every((projection) => projection.eventsBehind === 0)) return health;
    if (Date.now() > until) throw new Error(`read models not caught up: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('backup and restore of the embedded database', () => {
  it('restores into a fresh folder where the read models resume and the closed month is unchanged', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'zhucan-backup-'));
    folders.push(work);
    await chmod(work, 0o755); // as root the server runs as the OS user postgres, who must reach its folder
    const original = path.join(work, 'data');
    const restored = path.join(work, 'restored');
    const backupFile = path.join(work, 'zhucan-backup.tar.gz');
    const cli = (args: string[], dataDir: string) => zhucan(args, '', { ZHUCAN_DATA_DIR: dataDir });

    const first = await embeddedServiceProcess(original);
    services.push(first);
    await first.start();
    const adminToken = await first.adminToken();
    const client = { adminToken, call: first.call };
    const bureau = await setUpBureau(client);
    await sellMany(client, bureau.tokens, 30);
    const closed = await first.call('POST', '/api/v1/settlements/2026-10/close', adminToken);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const month = (await first.call('GET', '/api/v1/settlements/2026-10', adminToken)).body as Answer;
    expect(month.status).toBe('closed');
    expect(month.totals.mealsSold).toBeGreaterThan(0);
    const canteen = (await first.call('GET', '/api/v1/settlements/2026-10/canteens/c1', adminToken)).body;
    const before = await caughtUp(first);

    // Not while the service runs: files copied under a running server are not a consistent backup.
    const refused = await cli(['backup', backupFile], original);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('请先停止服务');

    await first.stop();
    const backup = await cli(['backup', backupFile], original);
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain('已关账月份：2026-10');

    // Never over a folder in use.
    const over = await cli(['restore', backupFile], original);
    expect(over.code).toBe(2);
    expect(over.err).toContain('不是空的');

    const restore = await cli(['restore', backupFile], restored);
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toContain(
      `${before.projections[0]?.name} 第 ${before.projections[0]?.generation} 代`,
    );

    const second = await embeddedServiceProcess(restored);
    services.push(second);
    await second.start();
    // The keys came along: the same admin token, terminal tokens still valid.
    expect(await second.adminToken()).toBe(adminToken);

    // The read models start where they were: same generations, same checkpoints, nothing rebuilt.
    const after = await caughtUp(second);
    expect(after.eventStore.position).toBe(before.eventStore.position);
    const checkpoints = (health: Health) =>
      health.projections.map(({ name, generation, position, eventsProcessed }) => ({
        name,
        generation,
        position,
        eventsProcessed,
      }));
    expect(checkpoints(after)).toEqual(checkpoints(before));

    expect((await second.call('GET', '/api/v1/settlements/2026-10', adminToken)).body).toEqual(month);
    expect((await second.call('GET', '/api/v1/settlements/2026-10/canteens/c1', adminToken)).body).toEqual(
      canteen,
    );
    const verified = (await second.call('GET', '/api/v1/settlements/2026-10/verify', adminToken))
      .body as Answer;
    expect(verified.verifications.length).toBe(month.canteens.length);
    for (const verification of verified.verifications) {
      expect([verification.matches, verification.figuresMatch]).toEqual([true, true]);
    }

    // A sale made after the restore is projected on top of the restored checkpoints.
    const sale = await second.call('POST', '/api/v1/sales', bureau.tokens.t1, {
      saleId: randomUUID(),
      terminalSeq: 1000,
      occurredAt: '2026-11-10T12:00:00+08:00',
      channel: 'dine-in',
      cardUid: 'K80',
      items: [{ itemId: 'set-a', qty: 1 }],
    });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    const moved = await caughtUp(second);
    for (const projection of moved.projections) {
      const was = before.projections.find((candidate) => candidate.name === projection.name);
      expect(projection.generation).toBe(was?.generation);
      expect(projection.eventsProcessed).toBeGreaterThan(was?.eventsProcessed ?? 0);
    }
    const day = (await second.call('GET', '/api/v1/canteens/c1/days/2026-11-10', adminToken)).body as Answer;
    expect(day.periods).toEqual([expect.objectContaining({ period: 'lunch', meals: 1, subsidisedMeals: 1 })]);
  });
});
