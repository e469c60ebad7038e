/** Advisory-lock class of the append lock ("care"); the object id is the schema's hash. */
export const APPEND_LOCK_CLASS = 0x63617265;

/**
 * The type of the log's `data` and `metadata` columns. `json` (every log created since migration
 * 0007) stores the canonical text as it came, the text its hash was taken over; `jsonb` (a log
 * that held events before 0007 keeps it: changing it rewrites the table under an exclusive
 * lock) parses it into its binary form on every append: ~0.3 s of the server's CPU per 100,000
 * imported events (bench/README, "bench/import"). Readers see the same values from both.
 */
export type EventBodyType = 'json' | 'jsonb';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * `CREATE OR REPLACE FUNCTION <schema>.append_batch(…)`: the whole of a group commit in one
 * server-side call, so a batch of appends costs one statement (autocommit: one round trip and
 * one WAL flush) instead of BEGIN, lock, reads, inserts, NOTIFY and COMMIT apart.
 *
 * Input: one entry per append (`a_*`: stream, expectation, event count, the call it came in
 * with) and one per event (`e_*`, the appends' events in order). The data and metadata come as
 * canonical JSON text (`canonicalJson`): the hash is taken over that text, exactly as
 * `eventHash` in JS, and the same text is stored, in a column of type `body` (`EventBodyType`:
 * `json` keeps the very text that was hashed; a log created before migration 0007 keeps `jsonb`).
 *
 * In order, under the append lock (held until commit, so positions follow commit order):
 * 1. reads the log's head, the heads of the streams the batch touches, and any event of those
 *    streams already stored under one of the batch's ids (idempotent re-appends). Only a stream
 *    that has a head can hold one, so the events of new streams are not looked up (since
 *    migration 0006; most events of a bulk import start their stream in the batch: ~0.2 s of
 *    the server's CPU per 100,000 events);
 * 2. walks the appends in order: an append whose ids are all stored in order at revisions its
 *    expectation allowed is a `replay` (first result again, nothing written); an append whose
 *    expectation the stream (as left by the earlier appends of this batch) does not meet is
 *    `wrong`; once an append of a call fails, the later appends of that call to the same
 *    stream are `skipped`; otherwise it is `ok`: its events get the next revisions, dense
 *    positions head+1…, and hashes chained to the stream's last one;
 * 3. inserts every `ok` event in one statement, upserts the stream heads, sends one NOTIFY.
 *    The loop records only each written event's position, revision, hash and index into the
 *    input arrays; the INSERT reads stream, id, type, data and metadata from the inputs by that
 *    index. (Until migration 0005 the loop copied those five columns into arrays of its own and
 *    the INSERT cast them as a whole `jsonb[]`: replaying a 102,472-event import in waves of
 *    1,000 took 4.9 s of the backend's CPU and 181,000 minor page faults; by index, 2.4 s and
 *    27,000, for the same rows and hashes);
 * 4. returns one row per append: outcome, revision (the last one written or replayed, or the
 *    stream's actual revision when it failed) and position.
 *
 * `p_serialize = false` is the negative control of the concurrency test only: no lock,
 * positions from a sequence (the naive design whose readers skip events).
 */
export function appendFunctionSql(schema: string, body: EventBodyType): string {
  const s = ident(schema);
  const events = `${s}.events`;
  const streams = `${s}.streams`;
  const channel = literal(`${schema}_appended`);
  return `
CREATE OR REPLACE FUNCTION ${s}.append_batch(
  p_serialize boolean,
  a_stream text[], a_expected text[], a_count integer[], a_call integer[],
  e_stream text[], e_id uuid[], e_type text[], e_data text[], e_metadata text[]
) RETURNS TABLE (ordinal integer, outcome text, revision bigint, log_position bigint)
LANGUAGE plpgsql
-- Plan each statement once per session: their custom plans (the default for a while, and for
-- good whenever the planner judges them cheaper) cost more to make than to run.
SET plan_cache_mode = force_generic_plan
AS $append_batch$
DECLARE
  n integer := coalesce(array_length(a_stream, 1), 0);
  head bigint := 0;
  h_stream text[]; h_rev bigint[]; h_hash text[]; h_dirty boolean[];
  x_id uuid[]; x_stream text[]; x_rev bigint[]; x_pos bigint[];
  o_pos bigint[] := '{}'; o_rev bigint[] := '{}'; o_src integer[] := '{}'; o_hash text[] := '{}';
  o_n integer := 0;
  r_outcome text[] := '{}'; r_rev bigint[] := '{}'; r_pos bigint[] := '{}';
  failed text[] := '{}';
  i integer; k integer := 0; m integer; j integer; c integer; p integer;
  st text; ex text; cur bigint; prev text; ok boolean; allowed boolean; first_rev bigint;
  found_n integer; found_first bigint; found_pos bigint; in_order boolean; chain_key text;
BEGIN
  IF p_serialize THEN
    PERFORM pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext(${literal(schema)}));
    SELECT coalesce(max(ev.position), 0) INTO head FROM ${events} ev;
  END IF;
  -- One index lookup per entry (LATERAL … LIMIT 1 keeps the planner from a hash join, whose set-up
  -- costs more than the lookups of a typical batch). A stream named twice appears twice; only
  -- its first entry is ever used (array_position).
  SELECT array_agg(sh.stream_id), array_agg(sh.revision), array_agg(sh.hash), array_agg(false)
    INTO h_stream, h_rev, h_hash, h_dirty
    FROM unnest(a_stream) AS u(stream_id)
    CROSS JOIN LATERAL (SELECT s.stream_id, s.revision, s.hash FROM ${streams} s WHERE s.stream_id = u.stream_id LIMIT 1) AS sh;
  -- Events of streams without a head are not looked up: a stream's events come with its head
  -- (the same INSERT). The subquery (OFFSET 0: kept apart) drops them before the lookups.
  SELECT array_agg(x.event_id), array_agg(x.stream_id), array_agg(x.revision), array_agg(x.position)
    INTO x_id, x_stream, x_rev, x_pos
    FROM (SELECT v.stream_id, v.event_id FROM unnest(e_stream, e_id) AS v(stream_id, event_id)
          WHERE v.stream_id IN (SELECT unnest(h_stream)) OFFSET 0) AS u
    CROSS JOIN LATERAL (SELECT ev.event_id, ev.stream_id, ev.revision, ev.position FROM ${events} ev
      WHERE ev.stream_id = u.stream_id AND ev.event_id = u.event_id LIMIT 1) AS x;

  FOR i IN 1..n LOOP
    st := a_stream[i]; ex := a_expected[i]; c := a_count[i];
    chain_key := a_call[i]::text || ':' || st;
    j := array_position(h_stream, st);
    cur := CASE WHEN j IS NULL THEN NULL ELSE h_rev[j] END;
    IF chain_key = ANY(failed) THEN
      r_outcome[i] := 'skipped'; r_rev[i] := cur; r_pos[i] := NULL;
    ELSE
      ok := CASE ex
        WHEN 'any' THEN true
        WHEN 'no_stream' THEN cur IS NULL
        WHEN 'stream_exists' THEN cur IS NOT NULL
        ELSE cur IS NOT NULL AND cur = ex::bigint
      END;
      found_n := 0; in_order := true; found_first := NULL; found_pos := NULL;
      IF x_id IS NOT NULL THEN
        FOR m IN 0..c - 1 LOOP
          p := array_position(x_id, e_id[k + 1 + m]);
          IF p IS NOT NULL AND x_stream[p] = st THEN
            found_n := found_n + 1;
            IF found_first IS NULL THEN found_first := x_rev[p] - m; END IF;
            IF x_rev[p] <> found_first + m THEN in_order := false; END IF;
            found_pos := x_pos[p];
          ELSE
            in_order := false;
          END IF;
        END LOOP;
      END IF;
      IF found_n > 0 THEN
        allowed := CASE ex
          WHEN 'any' THEN true
          WHEN 'stream_exists' THEN true
          WHEN 'no_stream' THEN found_first = 0
          ELSE ex::bigint + 1 = found_first
        END;
        IF found_n = c AND in_order AND allowed THEN
          r_outcome[i] := 'replay'; r_rev[i] := found_first + c - 1; r_pos[i] := found_pos;
        ELSE
          r_outcome[i] := 'wrong'; r_rev[i] := cur; r_pos[i] := NULL;
          failed := failed || chain_key;
        END IF;
      ELSIF ok THEN
        first_rev := coalesce(cur + 1, 0);
        prev := CASE WHEN j IS NULL THEN NULL ELSE h_hash[j] END;
        FOR m IN 1..c LOOP
          o_n := o_n + 1;
          IF p_serialize THEN
            o_pos[o_n] := head + o_n;
          ELSE
            o_pos[o_n] := nextval(${literal(`${ident(schema)}.unserialized_positions`)}::regclass);
          END IF;
          o_rev[o_n] := first_rev + m - 1;
          o_src[o_n] := k + m;
          prev := encode(sha256(convert_to(
            coalesce(prev, '') || E'\\n' || e_type[k + m] || E'\\n' || e_data[k + m] || E'\\n' || e_metadata[k + m], 'UTF8')), 'hex');
          o_hash[o_n] := prev;
        END LOOP;
        IF j IS NULL THEN
          j := coalesce(array_length(h_stream, 1), 0) + 1;
          h_stream[j] := st;
        END IF;
        h_rev[j] := first_rev + c - 1; h_hash[j] := prev; h_dirty[j] := true;
        r_outcome[i] := 'ok'; r_rev[i] := h_rev[j]; r_pos[i] := o_pos[o_n];
      ELSE
        r_outcome[i] := 'wrong'; r_rev[i] := cur; r_pos[i] := NULL;
        failed := failed || chain_key;
      END IF;
    END IF;
    k := k + c;
  END LOOP;

  IF o_n > 0 THEN
    -- The written events' columns come from the input arrays by index (o_src): see step 3 above.
    INSERT INTO ${events} (position, stream_id, revision, event_id, type, data, metadata, hash)
      SELECT u.pos, e_stream[u.src], u.rev, e_id[u.src], e_type[u.src], e_data[u.src]::${body}, e_metadata[u.src]::${body}, u.hash
        FROM unnest(o_pos, o_rev, o_src, o_hash) AS u(pos, rev, src, hash);
    INSERT INTO ${streams} (stream_id, revision, hash)
      SELECT u.stream_id, u.revision, u.hash FROM unnest(h_stream, h_rev, h_hash, h_dirty) AS u(stream_id, revision, hash, dirty)
      WHERE u.dirty
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash;
    PERFORM pg_notify(${channel}, (SELECT max(v)::text FROM unnest(o_pos) AS v));
  END IF;
  RETURN QUERY SELECT t.ord::integer, t.o, t.r, t.p
    FROM unnest(r_outcome, r_rev, r_pos) WITH ORDINALITY AS t(o, r, p, ord) ORDER BY t.ord;
END;
$append_batch$`;
}

/**
 * `<schema>.append_lines(…)`: `append_batch` with the per-event columns sent as newline-separated
 * text, one parameter each, split on the server by `string_to_array` (C, no quoting). An array
 * parameter costs the client an escaped, quoted literal of every element (canonical JSON is full
 * of quotes) and the server parsing it back: 7 % of a 100,000-row import's client CPU. Canonical
 * JSON never holds a raw newline (JSON escapes it) and ids are UUIDs; a batch whose stream names
 * or types hold one goes through `append_batch` itself (`commitBatch`).
 */
export function appendLinesFunctionSql(schema: string): string {
  const s = ident(schema);
  return `
CREATE OR REPLACE FUNCTION ${s}.append_lines(
  p_serialize boolean,
  a_stream text[], a_expected text[], a_count integer[], a_call integer[],
  e_stream text, e_id text, e_type text, e_data text, e_metadata text
) RETURNS TABLE (ordinal integer, outcome text, revision bigint, log_position bigint)
LANGUAGE sql
AS $append_lines$
  SELECT * FROM ${s}.append_batch(p_serialize, a_stream, a_expected, a_count, a_call,
    string_to_array(e_stream, E'\\n'), string_to_array(e_id, E'\\n')::uuid[], string_to_array(e_type, E'\\n'),
    string_to_array(e_data, E'\\n'), string_to_array(e_metadata, E'\\n'))
$append_lines$`;
}
