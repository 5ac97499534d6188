import pg from 'pg';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { runNoSkipStress } from '../../event-store/no-skip-stress.ts';
import { startDurableServer } from '../durable-server.ts';
import { median, perSecond, throughput, timed } from '../measure.ts';
import { emmettSubject } from './emmett-subject.ts';
import type { BenchSubject } from './subject.ts';
import { zhucanSubject } from './zhucan-subject.ts';

export interface EventStoreBenchOptions {
  /** Events to load before measuring reads. */
  readonly events: number;
  /** Seconds per append-throughput measurement. */
  readonly seconds: number;
  readonly log: (line: string) => void;
}

type Figures = Record<string, string>;

/** A slow reader stops after this long; its rate is over what it read by then. */
const READ_BUDGET_MS = 30_000;

/** The event-store benchmark: our PostgreSQL store and Emmett's, same workload, same server. */
export async function benchEventStore(options: EventStoreBenchOptions): Promise<string> {
  const server = await startDurableServer();
  const results: { name: string; figures: Figures }[] = [];
  try {
    const zhucanUrl = await server.database('bench_zhucan');
    const zhucanDb = connect(zhucanUrl, 20);
    await migrateToLatest(zhucanDb.db);
    const subjects: (() => Promise<BenchSubject>)[] = [
      async () => zhucanSubject(zhucanDb, zhucanUrl),
      async () => emmettSubject(await server.database('bench_emmett')),
    ];
    for (const open of subjects) {
      const subject = await open();
      options.log(`event store: measuring ${subject.name}`);
      results.push({ name: subject.name, figures: await measure(subject, options) });
      await subject.close();
    }
    await zhucanDb.db.destroy();
  } finally {
    await server.stop();
  }
  return table(results);
}

async function measure(subject: BenchSubject, options: EventStoreBenchOptions): Promise<Figures> {
  const figures: Figures = {};
  const log = (line: string) => options.log(`  ${subject.name}: ${line}`);

  for (const writers of [1, 8]) {
    const rate = await throughput(writers, options.seconds, () => subject.singleAppender());
    figures[`single-event conditional appends, ${writers} writer${writers > 1 ? 's' : ''}`] = perSecond(rate);
    log(`${writers} writers: ${perSecond(rate)}`);
  }

  const batchSeconds: number[] = [];
  for (let i = 0; i < 10; i++) {
    batchSeconds.push(
      (await timed(() => subject.appendBatch(`bench-batch-${i}-${Date.now()}`, 1000))).seconds,
    );
  }
  const batchMs = median(batchSeconds) * 1000;
  figures['1,000-event batch append (median)'] =
    `${batchMs.toFixed(1)} ms (${perSecond(1000 / (batchMs / 1000))})`;
  log(`batch: ${batchMs.toFixed(1)} ms`);

  const loaders = 4;
  const perLoader = Math.ceil(options.events / 1000 / loaders);
  const load = await timed(() =>
    Promise.all(
      Array.from({ length: loaders }, async (_, loader) => {
        for (let i = 0; i < perLoader; i++)
          await subject.appendBatch(`bench-load-${loader}-${i}-${Date.now()}`, 1000);
      }),
    ),
  );
  const loaded = loaders * perLoader * 1000;
  figures['bulk load in 1,000-event batches, 4 loaders'] = perSecond(loaded / load.seconds);
  log(`loaded ${loaded.toLocaleString('en-US')} events in ${load.seconds.toFixed(1)} s`);

  // Reads are measured in steady state: the first reader after a bulk load would otherwise pay for
  // setting every row's hint bits while autovacuum competes for the same two cores.
  await vacuum(subject.connectionString);
  for (const pageSize of [1000, 5000]) {
    const read = await timed(() => subject.readAll(pageSize, Date.now() + READ_BUDGET_MS));
    figures[`readAll of every event, pages of ${pageSize.toLocaleString('en-US')}`] =
      `${perSecond(read.result / read.seconds)} (${read.result.toLocaleString('en-US')} events)`;
    log(`read ${read.result} events in ${read.seconds.toFixed(1)} s, pages of ${pageSize}`);
  }
  const caughtUp = await timed(() => subject.catchUp(Date.now() + READ_BUDGET_MS));
  figures['catch-up subscription over every event'] =
    `${perSecond(caughtUp.result / caughtUp.seconds)} (${caughtUp.result.toLocaleString('en-US')} events)`;
  log(`caught up over ${caughtUp.result} events in ${caughtUp.seconds.toFixed(1)} s`);

  const stress = await runNoSkipStress(subject.stress, {
    writers: 24,
    appendsPerWriter: 40,
    streams: 10,
    holdingShare: 0.3,
    maxHoldMs: 40,
  });
  figures['no-skip stress: appended / skipped / duplicated / out of order'] =
    `${stress.appended} / ${stress.skipped} / ${stress.duplicated} / ${stress.outOfOrder}`;
  log(`stress: ${JSON.stringify(stress)}`);
  return figures;
}

async function vacuum(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

function table(results: { name: string; figures: Figures }[]): string {
  const lines = Object.keys(results[0]?.figures ?? {});
  const header = `| measure | ${results.map((result) => result.name).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---:').join('|')}|`;
  const rows = lines.map(
    (line) => `| ${line} | ${results.map((result) => result.figures[line] ?? '').join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
