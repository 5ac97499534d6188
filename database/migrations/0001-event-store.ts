import { type Kysely, sql } from 'kysely';

/**
 * The event store's tables and its append function.
 *
 * Global order is (transaction_id, position): a sequence alone commits out of order, so a reader
 * reading "position > last" would miss an event whose transaction commits late. Readers only read
 * rows whose transaction id is below the oldest transaction still running (the snapshot's xmin):
 * no row can appear later below that line, so a checkpoint never skips anything.
 *
 * `append_batch` checks expectations and writes any number of appends, to any streams, in one round
 * trip and one transaction, answering each append on its own. It serialises appends per stream with
 * transaction-scoped advisory locks taken before the transaction has an id, so a stream's later
 * revisions always carry larger transaction ids than its earlier ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
    CREATE FUNCTION event_store.append_batch(p_requests jsonb)
    RETURNS TABLE (request_index integer, outcome text, next_revision bigint, commit_position text,
                   prepare_position bigint, actual_revision bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_key bigint;
      v_request jsonb;
      v_stream text;
      v_expected text;
      v_events jsonb;
      v_count integer;
      v_stored_stream text;
      v_stored_revision bigint;
      v_current bigint;
      v_last_xid xid8;
      v_matching integer;
    BEGIN
      -- Every stream of the batch is locked first, in one order (no deadlocks between batches) and
      -- before this transaction has an id (so its events sort after every earlier writer's).
      FOR v_key IN
        SELECT DISTINCT hashtextextended(request ->> 'stream', 0)
          FROM jsonb_array_elements(p_requests) AS request ORDER BY 1
      LOOP
        PERFORM pg_advisory_xact_lock(v_key);
      END LOOP;

      FOR v_request, request_index IN
        SELECT request, ordinal - 1 FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS r(request, ordinal)
      LOOP
        v_stream := v_request ->> 'stream';
        v_expected := v_request ->> 'expected';
        v_events := v_request -> 'events';
        v_count := jsonb_array_length(v_events);
        outcome := NULL; next_revision := NULL; commit_position := NULL; prepare_position := NULL;
        actual_revision := NULL;

        SELECT stream_revision, transaction_id INTO v_current, v_last_xid
          FROM event_store.events WHERE stream_id = v_stream ORDER BY stream_revision DESC LIMIT 1;
        IF NOT FOUND THEN
          v_current := -1;
        END IF;
        actual_revision := v_current;

        -- The first event already stored: the same append again (a retry) succeeds without writing;
        -- anything else that reuses its id is a conflict. A later event's id already stored fails the
        -- insert below on the unique index.
        SELECT stream_id, stream_revision INTO v_stored_stream, v_stored_revision
          FROM event_store.events WHERE event_id = (v_events -> 0 ->> 'id')::uuid;
        IF FOUND THEN
          SELECT count(*) INTO v_matching
            FROM jsonb_array_elements(v_events) WITH ORDINALITY AS incoming(event, ordinal)
            JOIN event_store.events stored ON stored.event_id = (incoming.event ->> 'id')::uuid
           WHERE stored.stream_id = v_stream
             AND stored.stream_revision = v_stored_revision + incoming.ordinal - 1
             AND stored.event_type = incoming.event ->> 'type'
             AND stored.data = incoming.event -> 'data';
          IF v_stored_stream <> v_stream OR v_matching <> v_count THEN
            outcome := 'event-id-conflict';
          ELSIF v_stored_revision <> (CASE
                  WHEN v_expected = 'any' THEN v_stored_revision
                  WHEN v_expected = 'no-stream' THEN 0
                  WHEN v_expected = 'stream-exists' THEN greatest(v_stored_revision, 1)
                  ELSE v_expected::bigint + 1 END) THEN
            outcome := 'wrong-expected-revision';
          ELSE
            outcome := 'idempotent';
            SELECT stored.stream_revision, stored.transaction_id::text, stored.position
              INTO next_revision, commit_position, prepare_position
              FROM event_store.events stored
             WHERE stored.stream_id = v_stream AND stored.stream_revision = v_stored_revision + v_count - 1;
          END IF;
          RETURN NEXT;
          CONTINUE;
        END IF;

        IF NOT (v_expected = 'any'
                OR (v_expected = 'no-stream' AND v_current = -1)
                OR (v_expected = 'stream-exists' AND v_current >= 0)
                OR (v_expected ~ '^[0-9]+$' AND v_expected::bigint = v_current)) THEN
          outcome := 'wrong-expected-revision';
          RETURN NEXT;
          CONTINUE;
        END IF;

        -- Only possible when the caller's own transaction wrote before this call: it then got its
        -- id before the stream's last writer, and its events would be read before that writer's.
        IF v_last_xid > pg_current_xact_id() THEN
          outcome := 'younger-writer';
          RETURN NEXT;
          CONTINUE;
        END IF;

        INSERT INTO event_store.events (stream_id, stream_revision, event_id, event_type, data, metadata)
        SELECT v_stream, v_current + incoming.ordinal, (incoming.event ->> 'id')::uuid, incoming.event ->> 'type',
               incoming.event -> 'data', coalesce(incoming.event -> 'metadata', '{}'::jsonb)
          FROM jsonb_array_elements(v_events) WITH ORDINALITY AS incoming(event, ordinal)
         ORDER BY incoming.ordinal;
        -- Positions are taken from the sequence in insertion order: the last one is this append's.
        next_revision := v_current + v_count;
        commit_position := pg_current_xact_id()::text;
        prepare_position := lastval();
        outcome := 'written';
        RETURN NEXT;
      END LOOP;
    END
    $fn$`.execute(db);
}

/**
 * Events by type in global order: a reader that needs a few types (a settlement, a projection) reads
 * only their rows instead of every row of the store.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS event_store CASCADE`.execute(db);
}
