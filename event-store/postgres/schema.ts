import { type Kysely, sql } from 'kysely';

/**
 * The event store's tables and its append function.
 *
 * Global order is (transaction_id, position): a sequence alone commits out of order, so a reader
 * reading "position > last" would miss an event whose transaction commits late. Readers only read
 * rows whose transaction id is below the oldest transaction still running (the snapshot's xmin):
 * no row can appear later below that line, so a checkpoint never skips anything.
 *
 * The append function checks the expected revision and writes in one round trip. It serialises
 * appends per stream with a transaction-scoped advisory lock taken before the transaction has an id,
 * so a stream's later revisions always carry larger transaction ids than its earlier ones.
 */
export async function createEventStoreSchema(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS event_store`.execute(db);
  await sql`
    CREATE TABLE event_store.events (
      position bigint GENERATED ALWAYS AS IDENTITY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_global_order PRIMARY KEY (transaction_id, position),
      CONSTRAINT events_stream_revision UNIQUE (stream_id, stream_revision),
      CONSTRAINT events_event_id UNIQUE (event_id)
    )`.execute(db);
  await sql`
    CREATE FUNCTION event_store.append_events(p_stream text, p_expected text, p_events jsonb)
    RETURNS TABLE (next_revision bigint, commit_position text, prepare_position bigint, written boolean)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_count integer := jsonb_array_length(p_events);
      v_first_id uuid := (p_events -> 0 ->> 'id')::uuid;
      v_stored_stream text;
      v_stored_revision bigint;
      v_current bigint;
      v_last_xid xid8;
      v_matching integer;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));

      SELECT stream_id, stream_revision INTO v_stored_stream, v_stored_revision
        FROM event_store.events WHERE event_id = v_first_id;
      IF FOUND THEN
        -- The same append again (a retry): succeed without writing, but only if it is exactly the same.
        IF v_stored_stream <> p_stream THEN
          RAISE EXCEPTION USING ERRCODE = 'ZC002', MESSAGE = 'event id is stored in another stream',
            DETAIL = v_first_id::text;
        END IF;
        SELECT count(*) INTO v_matching
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS incoming(event, ordinal)
          JOIN event_store.events stored ON stored.event_id = (incoming.event ->> 'id')::uuid
         WHERE stored.stream_id = p_stream
           AND stored.stream_revision = v_stored_revision + incoming.ordinal - 1
           AND stored.event_type = incoming.event ->> 'type'
           AND stored.data = incoming.event -> 'data';
        IF v_matching <> v_count THEN
          RAISE EXCEPTION USING ERRCODE = 'ZC002', MESSAGE = 'event ids are stored with other data or in another order',
            DETAIL = v_first_id::text;
        END IF;
        IF v_stored_revision <> (CASE
             WHEN p_expected = 'any' THEN v_stored_revision
             WHEN p_expected = 'no-stream' THEN 0
             WHEN p_expected = 'stream-exists' THEN greatest(v_stored_revision, 1)
             ELSE p_expected::bigint + 1 END) THEN
          SELECT max(stream_revision) INTO v_current FROM event_store.events WHERE stream_id = p_stream;
          RAISE EXCEPTION USING ERRCODE = 'ZC001', MESSAGE = 'wrong expected revision', DETAIL = v_current::text;
        END IF;
        RETURN QUERY
          SELECT stored.stream_revision, stored.transaction_id::text, stored.position, false
            FROM event_store.events stored
           WHERE stored.stream_id = p_stream AND stored.stream_revision = v_stored_revision + v_count - 1;
        RETURN;
      END IF;

      SELECT stream_revision, transaction_id INTO v_current, v_last_xid
        FROM event_store.events WHERE stream_id = p_stream ORDER BY stream_revision DESC LIMIT 1;
      IF NOT FOUND THEN
        v_current := -1;
      END IF;
      IF NOT (p_expected = 'any'
              OR (p_expected = 'no-stream' AND v_current = -1)
              OR (p_expected = 'stream-exists' AND v_current >= 0)
              OR (p_expected ~ '^[0-9]+$' AND p_expected::bigint = v_current)) THEN
        RAISE EXCEPTION USING ERRCODE = 'ZC001', MESSAGE = 'wrong expected revision', DETAIL = v_current::text;
      END IF;
      IF v_last_xid > pg_current_xact_id() THEN
        -- This transaction got its id before the stream's last writer did: its events would be read
        -- before that writer's. Refuse; the caller retries in a new transaction.
        RAISE EXCEPTION USING ERRCODE = 'ZC003', MESSAGE = 'stream was written by a younger transaction',
          DETAIL = v_current::text;
      END IF;

      RETURN QUERY
        WITH inserted AS (
          INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata)
          SELECT p_stream, v_current + incoming.ordinal, (incoming.event ->> 'id')::uuid, incoming.event ->> 'type',
                 incoming.event -> 'data', coalesce(incoming.event -> 'metadata', '{}'::jsonb)
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS incoming(event, ordinal)
           ORDER BY incoming.ordinal
          RETURNING stream_revision, transaction_id, position
        )
        SELECT inserted.stream_revision, inserted.transaction_id::text, inserted.position, true
          FROM inserted ORDER BY inserted.stream_revision DESC LIMIT 1;
    END
    $fn$`.execute(db);
}

export async function dropEventStoreSchema(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS event_store CASCADE`.execute(db);
}
