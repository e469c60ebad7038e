import { sql, type Kysely } from 'kysely';
import { ENGINE_SCHEMA } from '../engine-schema.js';

const rebuilds = sql.id(ENGINE_SCHEMA, 'rebuilds');

/** A rebuild whose heartbeat is older than this is dead (its process was killed). */
export const REBUILD_HEARTBEAT_TIMEOUT_MS = 15_000;

/** Progress of a projection's latest rebuild, as `GET …/rebuild` shows it. */
export type RebuildProgress = {
  name: string;
  state: 'building' | 'verifying' | 'swapping' | 'swapped' | 'failed' | 'rolled_back' | 'abandoned';
  processed: number;
  total: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  position: string | null;
  differences: unknown;
  error: string | null;
};

type Row = {
  name: string;
  state: string;
  processed: string;
  total: string;
  events_per_second: number | null;
  eta_seconds: number | null;
  started_at: Date | string;
  finished_at: Date | string | null;
  position: string | null;
  differences: unknown;
  error: string | null;
  alive: boolean;
  previous_position: string | null;
  previous_fingerprint: string | null;
};

/** Claims the rebuild slot of a projection; false when a live rebuild already runs. */
export async function claimRebuild(
  db: Kysely<unknown>,
  name: string,
  owner: string,
  timeoutMs = REBUILD_HEARTBEAT_TIMEOUT_MS,
): Promise<boolean> {
  const result = await sql`INSERT INTO ${rebuilds} (name, state, owner) VALUES (${name}, 'building', ${owner})
    ON CONFLICT (name) DO UPDATE SET state = 'building', owner = ${owner}, started_at = now(), heartbeat_at = now(),
      finished_at = NULL, processed = 0, total = 0, events_per_second = NULL, eta_seconds = NULL, position = NULL,
      differences = NULL, error = NULL
    WHERE ${rebuilds}.state NOT IN ('building', 'verifying', 'swapping')
       OR ${rebuilds}.heartbeat_at < now() - make_interval(secs => ${timeoutMs / 1000})`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/** Updates progress (and the heartbeat). */
export async function saveProgress(
  db: Kysely<unknown>,
  name: string,
  owner: string,
  progress: {
    state?: string;
    processed?: number;
    total?: number;
    eventsPerSecond?: number | null;
    etaSeconds?: number | null;
    position?: string | null;
    differences?: unknown;
    error?: string | null;
    finished?: boolean;
  },
): Promise<void> {
  await sql`UPDATE ${rebuilds} SET heartbeat_at = now(),
      state = coalesce(${progress.state ?? null}, state),
      processed = coalesce(${progress.processed ?? null}::bigint, processed),
      total = coalesce(${progress.total ?? null}::bigint, total),
      events_per_second = coalesce(${progress.eventsPerSecond ?? null}::double precision, events_per_second),
      eta_seconds = ${progress.etaSeconds ?? null}::double precision,
      position = coalesce(${progress.position ?? null}::numeric, position),
      differences = coalesce(${progress.differences === undefined ? null : JSON.stringify(progress.differences)}::jsonb, differences),
      error = coalesce(${progress.error ?? null}, error),
      finished_at = CASE WHEN ${progress.finished ?? false} THEN now() ELSE finished_at END
    WHERE name = ${name} AND owner = ${owner}`.execute(db);
}

/** Marks the latest rebuild of `name` rolled back, whichever process ran it. */
export async function markRolledBack(db: Kysely<unknown>, name: string): Promise<void> {
  await sql`UPDATE ${rebuilds} SET state = 'rolled_back', finished_at = now() WHERE name = ${name}`.execute(db);
}

/** Remembers where the live rows stood before a swap, for rollback. */
export async function savePrevious(
  trx: Kysely<unknown>,
  name: string,
  position: string | null,
  fingerprint: string,
): Promise<void> {
  await sql`UPDATE ${rebuilds} SET previous_position = ${position}::numeric, previous_fingerprint = ${fingerprint} WHERE name = ${name}`.execute(
    trx,
  );
}

/** The latest rebuild of a projection, or null. */
export async function loadRebuild(
  db: Kysely<unknown>,
  name: string,
  timeoutMs = REBUILD_HEARTBEAT_TIMEOUT_MS,
): Promise<(RebuildProgress & { previousPosition: string | null; previousFingerprint: string | null }) | null> {
  const { rows } =
    await sql<Row>`SELECT name, state, processed::text AS processed, total::text AS total, events_per_second, eta_seconds,
      started_at, finished_at, position::text AS position, differences, error, previous_position::text AS previous_position, previous_fingerprint,
      heartbeat_at > now() - make_interval(secs => ${timeoutMs / 1000}) AS alive
    FROM ${rebuilds} WHERE name = ${name}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const running = ['building', 'verifying', 'swapping'].includes(row.state);
  return {
    name: row.name,
    state: (running && !row.alive ? 'abandoned' : row.state) as RebuildProgress['state'],
    processed: Number(row.processed),
    total: Number(row.total),
    eventsPerSecond: row.events_per_second,
    etaSeconds: row.eta_seconds,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    position: row.position,
    differences: row.differences,
    error: row.error,
    previousPosition: row.previous_position,
    previousFingerprint: row.previous_fingerprint,
  };
}

/** Names of projections with a rebuild in progress (for status). */
export async function rebuildingNames(db: Kysely<unknown>): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM ${rebuilds}
    WHERE state IN ('building', 'verifying', 'swapping')
      AND heartbeat_at > now() - make_interval(secs => ${REBUILD_HEARTBEAT_TIMEOUT_MS / 1000})`.execute(db);
  return new Set(rows.map((r) => r.name));
}
