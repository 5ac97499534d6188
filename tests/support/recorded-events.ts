import type pg from 'pg';

/**
 * Inserts events as a fixture recorded them (stream, revision, id, type, data, metadata), in their
 * order and in one transaction, and answers each one's position in this store (`commit/prepare`).
 */
export async function insertRecordedEvents(
  pool: pg.Pool,
  events: readonly {
    readonly stream: string;
    readonly revision: number;
    readonly id: string;
    readonly type: string;
    readonly data: unknown;
    readonly metadata: unknown;
  }[],
): Promise<string[]> {
  const { rows } = await pool.query<{ recorded_at: string }>(
    `WITH inserted AS (
       INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata)
       SELECT e->>'stream', (e->>'revision')::bigint, (e->>'id')::uuid, e->>'type', (e->'data')::jsonb,
              (e->'metadata')::jsonb
         FROM json_array_elements($1::json) WITH ORDINALITY AS given(e, n) ORDER BY n
       RETURNING transaction_id, position
     )
     SELECT transaction_id::text || '/' || position AS recorded_at FROM inserted ORDER BY transaction_id, position`,
    [JSON.stringify(events)],
  );
  return rows.map((row) => row.recorded_at);
}
