/**
 * Runs the projections against a database until killed, slowly (each page is held open a while), so
 * that a test can kill it in the middle of a page. Connection string in ZHUCAN_CHILD_DATABASE_URL.
 */
import { connect } from '../../../database/connect.ts';
import { PostgresEventStore } from '../../../event-store/postgres/postgres-event-store.ts';
import { ALL_PROJECTIONS } from '../../all-projections.ts';
import type { Projection } from '../projection.ts';
import { ProjectionRunner } from '../projection-runner.ts';

const url = process.env.ZHUCAN_CHILD_DATABASE_URL;
if (!url) throw new Error('ZHUCAN_CHILD_DATABASE_URL is not set');
const connection = connect(url, 4);
const store = new PostgresEventStore(connection);
const slow: Projection[] = ALL_PROJECTIONS.map((projection) => ({
  ...projection,
  async apply(trx, schema, events) {
    await projection.apply(trx, schema, events);
    await new Promise((resolve) => setTimeout(resolve, 40));
  },
}));
new ProjectionRunner(store, connection.db, slow, { batchSize: 23, idleMs: 10 }).start();
process.stdout.write('started\n');
