import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.ts';
import { ALL_PROJECTIONS } from '../../projections/all-projections.ts';
import { rebuildProjection } from '../../projections/runner/rebuild.ts';
import { writeHistory } from '../../testkit/history.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond, timed } from '../measure.ts';

export interface ProjectionsBenchOptions {
  readonly events: number;
  readonly log: (line: string) => void;
}

/** Rebuild throughput of each projection over a city's history, on the durable embedded default. */
export async function benchProjections(options: ProjectionsBenchOptions): Promise<string> {
  const server = await startDurableServer();
  try {
    const connection = connect(await server.database('bench_projections'), 10);
    await migrateToLatest(connection.db);
    const store = new PostgresEventStore(connection);
    const elders = 20_000;
    const { result: events, seconds: writing } = await timed(() =>
      writeHistory(store, connection.pool, {
        events: options.events,
        elders,
        canteens: 1000,
        log: options.log,
      }),
    );
    options.log(
      `projections: history of ${events.toLocaleString('en-US')} events written in ${writing.toFixed(0)} s`,
    );
    const rows: string[] = [];
    let total = 0;
    for (const projection of ALL_PROJECTIONS) {
      let last = 0;
      const { seconds } = await timed(() =>
        rebuildProjection(store, connection.db, projection, {
          onProgress: (progress) => {
            if (progress.eventsProcessed - last >= 500_000) {
              last = progress.eventsProcessed;
              options.log(
                `projections: ${projection.name} at ${progress.eventsProcessed.toLocaleString('en-US')}`,
              );
            }
          },
        }),
      );
      total += seconds;
      rows.push(
        `| rebuild ${projection.name} (${projection.tables.join(', ')}) | ${perSecond(events / seconds)} (${seconds.toFixed(1)} s) | ≥ 100,000/s |`,
      );
    }
    const { rows: counts } = await connection.pool.query<{ sales: string; elders: string }>(
      'SELECT (SELECT count(*) FROM read_models.sales) AS sales, (SELECT count(*) FROM read_models.elders) AS elders',
    );
    await connection.db.destroy();
    return [
      '| measure | value | target |',
      '|---|---:|---:|',
      `| events in the store (elders with cards, then sales with their subsidy decisions and voids) | ${events.toLocaleString('en-US')} | |`,
      `| rows built: sales, elders | ${Number(counts[0]?.sales).toLocaleString('en-US')}, ${Number(counts[0]?.elders).toLocaleString('en-US')} | |`,
      ...rows,
      `| rebuild of every projection, one after the other | ${perSecond(events / total)} (${total.toFixed(1)} s) | |`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}
