import { sql, type Kysely } from 'kysely';
import type { EventStore } from '../event-store/index.js';
import { rebuildingNames } from './rebuild/rebuild-state.js';
import type { Projection } from './projection.js';

/** Status of one projection as admins see it (SPEC §6). */
export type ProjectionStatus = {
  name: string;
  status: 'running' | 'catching_up' | 'stale' | 'rebuilding' | 'faulted';
  /** decimal string, or null before the first event */
  position: string | null;
  /** events it handles that lie beyond its checkpoint */
  lag: number;
  fingerprint: string;
  builtWith: string;
  stale: boolean;
  owner: string | null;
  lastError: { eventId: string | null; message: string; at: string | null } | null;
};

/** Every projection's status from the engine's tables and the log. */
export async function projectionStatuses(
  db: Kysely<unknown>,
  store: EventStore,
  projections: readonly Projection[],
  fingerprintOf: (name: string) => string,
): Promise<ProjectionStatus[]> {
  const { rows } = await sql<{
    name: string;
    position: string | null;
    fingerprint: string;
    faulted_event_id: string | null;
    last_error: string | null;
    faulted_at: Date | string | null;
    owner: string | null;
  }>`SELECT c.name, c.position::text AS position, c.fingerprint, c.faulted_event_id, c.last_error, c.faulted_at,
        CASE WHEN l.expires_at > now() THEN l.owner END AS owner
      FROM caretrack_projections.checkpoints c LEFT JOIN caretrack_projections.leases l ON l.name = c.name`.execute(db);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const rebuilding = await rebuildingNames(db);
  const result: ProjectionStatus[] = [];
  for (const p of projections) {
    const row = byName.get(p.name);
    const position = row?.position ?? null;
    const lag = await store.countEvents({
      after: position === null ? 'start' : BigInt(position),
      eventTypes: p.eventTypes,
    });
    const fingerprint = fingerprintOf(p.name);
    const stale = row !== undefined && row.fingerprint !== fingerprint;
    const faulted = row?.faulted_event_id != null;
    result.push({
      name: p.name,
      status: faulted
        ? 'faulted'
        : rebuilding.has(p.name)
          ? 'rebuilding'
          : stale
            ? 'stale'
            : lag > 0
              ? 'catching_up'
              : 'running',
      position,
      lag,
      fingerprint,
      builtWith: row?.fingerprint ?? fingerprint,
      stale,
      owner: row?.owner ?? null,
      lastError: row?.last_error
        ? {
            eventId: row.faulted_event_id,
            message: row.last_error,
            at: row.faulted_at ? new Date(row.faulted_at).toISOString() : null,
          }
        : null,
    });
  }
  return result;
}
