import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.js';
import { WrongExpectedVersion } from '../errors.js';
import { eventHash } from '../integrity-hash.js';

/** Advisory-lock class of the append lock ("care"); the object id is the schema's hash. */
export const APPEND_LOCK_CLASS = 0x63617265;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Test seams: never set in production. */
export type AppendHooks = {
  /**
   * false removes the append lock and takes positions from a sequence: the naive design
   * whose readers skip events. Exists only as the concurrency test's negative control.
   */
  serialize?: boolean;
  /** awaited inside the append transaction after the insert, before commit */
  beforeCommit?: () => Promise<void>;
};

type Existing = { id: string; revision: string; position: string };
type StreamState = { current: string | null; head: string; existing: Existing[] | null; last_hash: string | null };

/**
 * Appends under one transaction-scoped advisory lock per log: appends are serialized, so
 * positions are handed out in commit order and a reader never sees a later position
 * commit before an earlier one (see docs/architecture.md, "No skipped events").
 */
export async function appendEvents(
  db: Kysely<unknown>,
  schema: string,
  channel: string,
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  hooks: AppendHooks = {},
): Promise<AppendResult> {
  if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
  const ids = events.map((e) => e.id ?? randomUUID());
  for (const id of ids) if (!uuidPattern.test(id)) throw new TypeError(`event id is not a UUID: ${id}`);
  const table = sql.id(schema, 'events');

  return db.transaction().execute(async (trx) => {
    const serialize = hooks.serialize ?? true;
    if (serialize) await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext(${schema}))`.execute(trx);
    const { rows } = await sql<StreamState>`SELECT
        (SELECT max(revision)::text FROM ${table} WHERE stream_id = ${stream}) AS current,
        (SELECT coalesce(max(position), 0)::text FROM ${table}) AS head,
        (SELECT hash FROM ${table} WHERE stream_id = ${stream} ORDER BY revision DESC LIMIT 1) AS last_hash,
        (SELECT json_agg(json_build_object('id', event_id::text, 'revision', revision::text,
                 'position', position::text) ORDER BY revision)
           FROM ${table} WHERE stream_id = ${stream} AND event_id = ANY(${ids}::uuid[])) AS existing`.execute(trx);
    const state = rows[0]!;
    const current = state.current === null ? null : BigInt(state.current);

    const replay = idempotentReplay(ids, state.existing ?? [], expected);
    if (replay) return replay;
    if (state.existing?.length || !matches(expected, current)) {
      throw new WrongExpectedVersion(stream, expected, current ?? 'no_stream');
    }

    const firstRevision = current === null ? 0n : current + 1n;
    const positions = serialize
      ? events.map((_, i) => BigInt(state.head) + 1n + BigInt(i))
      : await reservePositions(trx, schema, events.length);
    const hashes: string[] = [];
    for (const e of events) hashes.push(eventHash(hashes[hashes.length - 1] ?? state.last_hash, { type: e.type, data: e.data, metadata: e.metadata ?? {} }));
    await sql`INSERT INTO ${table} (position, stream_id, revision, event_id, type, data, metadata, hash)
      SELECT p, ${stream}, r, i, t, d::jsonb, m::jsonb, h FROM unnest(
        ${positions.map(String)}::bigint[],
        ${events.map((_, i) => String(firstRevision + BigInt(i)))}::bigint[],
        ${ids}::uuid[],
        ${events.map((e) => e.type)}::text[],
        ${events.map((e) => JSON.stringify(e.data))}::text[],
        ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::text[],
        ${hashes}::text[]
      ) AS x(p, r, i, t, d, m, h)`.execute(trx);
    const lastRevision = firstRevision + BigInt(events.length - 1);
    await sql`INSERT INTO ${sql.id(schema, 'streams')} (stream_id, revision, hash) VALUES (${stream}, ${String(lastRevision)}::bigint, ${hashes[hashes.length - 1]!})
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash`.execute(trx);
    await hooks.beforeCommit?.();
    const last = positions[positions.length - 1]!;
    await sql`SELECT pg_notify(${channel}, ${String(last)})`.execute(trx);
    return { nextExpectedRevision: firstRevision + BigInt(events.length - 1), position: last };
  });
}

async function reservePositions(trx: Kysely<unknown>, schema: string, count: number): Promise<bigint[]> {
  const seq = `"${schema}".unserialized_positions`;
  const { rows } = await sql<{ n: string }>`SELECT nextval(${seq}::regclass)::text AS n FROM generate_series(1, ${count})`.execute(trx);
  return rows.map((row) => BigInt(row.n)).sort((a, b) => (a < b ? -1 : 1));
}

function matches(expected: ExpectedRevision, current: bigint | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  if (expected === 'stream_exists') return current !== null;
  return current === expected;
}

/**
 * The same ids already stored in this stream, in the same order at consecutive revisions
 * that the expectation allowed when they were first written: the first result, again.
 */
function idempotentReplay(ids: string[], existing: Existing[], expected: ExpectedRevision): AppendResult | null {
  if (existing.length !== ids.length) return null;
  const first = BigInt(existing[0]!.revision);
  const inOrder = existing.every((row, i) => row.id === ids[i]!.toLowerCase() && BigInt(row.revision) === first + BigInt(i));
  if (!inOrder) return null;
  const allowed =
    expected === 'any' ||
    expected === 'stream_exists' ||
    (expected === 'no_stream' ? first === 0n : expected + 1n === first);
  if (!allowed) return null;
  return { nextExpectedRevision: first + BigInt(ids.length - 1), position: BigInt(existing[existing.length - 1]!.position) };
}
