import type pg from 'pg';
import type { Connection } from '../../database/connect.ts';
import type { JsonValue } from '../port.ts';
import { Batcher } from '../postgres/append-batcher.ts';
import type { SnapshotStore, StreamSnapshot, WriteOptions } from './snapshot-store.ts';

/**
 * Snapshots in PostgreSQL (the project database, whichever store holds the events): a head row per
 * stream with its revision, and a row per part, rewritten in place.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly pool: pg.Pool;
  /** Concurrent loads share one query, as the event store's stream reads do. */
  private readonly reads: Batcher<{ stream: string; parts: readonly string[] }, StreamSnapshot | null>;

  constructor(connection: Pick<Connection, 'pool'>) {
    this.pool = connection.pool;
    this.reads = new Batcher((requests) => this.readMany(requests), {
      maxInFlight: 2,
      maxBatchWeight: 200,
      weigh: () => 1,
    });
  }

  read(stream: string, parts: readonly string[]): Promise<StreamSnapshot | null> {
    return this.reads.submit({ stream, parts });
  }

  /** Many streams' snapshots in one statement: one consistent view of each head and its parts. */
  private async readMany(
    requests: { stream: string; parts: readonly string[] }[],
  ): Promise<(StreamSnapshot | null)[]> {
    const { rows } = await this.pool.query<{
      stream_id: string;
      revision: string;
      event_id: string;
      head: JsonValue;
      part: string | null;
      state: JsonValue;
    }>({
      name: 'snapshots.read',
      // Stream by stream and part by part through the primary keys.
      text: `SELECT h.stream_id, h.revision, h.event_id, h.state AS head, p.part, p.state
               FROM unnest($1::text[]) AS wanted(stream_id)
               JOIN snapshots.heads h ON h.stream_id = wanted.stream_id
               LEFT JOIN LATERAL (
                 SELECT parts.part, parts.state FROM unnest($2::text[]) AS asked(part)
                   JOIN snapshots.parts ON parts.stream_id = h.stream_id AND parts.part = asked.part
               ) AS p ON true`,
      values: [
        [...new Set(requests.map((request) => request.stream))],
        [...new Set(requests.flatMap((request) => request.parts))],
      ],
    });
    const byStream = new Map<string, typeof rows>();
    for (const row of rows) {
      const found = byStream.get(row.stream_id);
      if (found) found.push(row);
      else byStream.set(row.stream_id, [row]);
    }
    return requests.map(({ stream, parts }) => {
      const found = byStream.get(stream);
      const first = found?.[0];
      if (!found || !first) return null;
      const wanted = new Set(parts);
      const kept = new Map<string, JsonValue>();
      for (const row of found) if (row.part !== null && wanted.has(row.part)) kept.set(row.part, row.state);
      return { revision: Number(first.revision), eventId: first.event_id, head: first.head, parts: kept };
    });
  }

  async write(stream: string, snapshot: StreamSnapshot, options: WriteOptions) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The head row is the stream's lock: of two writers, the later revision's parts are kept.
      const { rowCount } = await client.query(
        `INSERT INTO snapshots.heads AS h (stream_id, revision, event_id, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id,
           state = excluded.state, written_at = now()
         WHERE h.revision < excluded.revision OR (h.revision = $5 AND h.event_id = $6::uuid)`,
        [
          stream,
          snapshot.revision,
          snapshot.eventId,
          JSON.stringify(snapshot.head),
          options.replacing?.revision ?? null,
          options.replacing?.eventId ?? null,
        ],
      );
      if (rowCount === 0) {
        await client.query('ROLLBACK');
        return;
      }
      if (options.replaceAll)
        await client.query('DELETE FROM snapshots.parts WHERE stream_id = $1', [stream]);
      if (snapshot.parts.size > 0) {
        await client.query(
          `INSERT INTO snapshots.parts (stream_id, part, state)
           SELECT $1, part, state FROM json_each($2::json) AS given(part, state)
           ON CONFLICT (stream_id, part) DO UPDATE SET state = excluded.state`,
          [stream, JSON.stringify(Object.fromEntries(snapshot.parts))],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
