import { createTestDatabase } from '../../tests/support/database.ts';
import { describeEventStoreContract } from '../contract.ts';
import { PostgresEventStore } from './postgres-event-store.ts';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = new PostgresEventStore(database, { pollIntervalMs: 20 });
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
});
