import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { parseStagesConfig, parseTriageMap } from '../../domain/tracker/tracker-config.js';
import type { StoredEvent } from '../../event-store/index.js';
import { openDatabase, type DatabaseConnection } from '../../read-store/connection.js';
import { inSchema } from '../apply-in-schema.js';
import { applyBatch } from '../apply-batch.js';
import { plaintextOpener } from '../open-events.js';
import { toProjectedEvent, type Projection, type ProjectionContext } from '../projection.js';
import { RowCache } from '../row-cache.js';
import { EventLog } from './event-log.js';

/** The shipped tracker rules (projections/config/*.yaml). */
export function defaultProjectionContext(): ProjectionContext {
  return {
    triageMap: parseTriageMap(
      readFileSync(new URL('../../../projections/config/triage_map.yaml', import.meta.url), 'utf8'),
    ),
    stages: parseStagesConfig(
      readFileSync(new URL('../../../projections/config/stages.yaml', import.meta.url), 'utf8'),
    ),
  };
}

/**
 * A projection on a fresh schema of a shared in-memory PGlite: apply events, read rows.
 *
 * @example
 * const harness = projectionHarness();           // once per spec file
 * afterAll(() => harness.close());
 * const t = await harness.fresh(patientsProjection);
 * await t.apply([log.event('PatientRegistered', {...})]);
 * expect(await t.rows('patients', 'patient_id')).toEqual([...]);
 */
export function projectionHarness() {
  let connection: Promise<DatabaseConnection> | null = null;
  const open = () => (connection ??= openDatabase({ kind: 'embedded', dataDir: null }));
  let n = 0;
  return {
    async fresh(projection: Projection, context: ProjectionContext = defaultProjectionContext()) {
      const db = (await open()).db;
      const schema = `spec_${projection.name}_${++n}`;
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
      await inSchema(db, schema, async (trx) => {
        for (const ddl of projection.tables) await sql.raw(ddl).execute(trx);
      });
      return projectionUnderTest(db, schema, projection, context);
    },
    async close() {
      await (await connection)?.close();
    },
  };
}

function projectionUnderTest(db: Kysely<unknown>, schema: string, projection: Projection, context: ProjectionContext) {
  // The events given so far play the event log for `io.history`; the cache knows the tables start empty.
  const log: StoredEvent[] = [];
  const cache = new RowCache();
  cache.markComplete(projection.tableNames);
  // Plaintext events, read as the engine reads them: a patient's fields are null once a PatientErased of theirs was given.
  const opener = plaintextOpener();
  const history = async (streamId: string, types: readonly string[], upTo: bigint) =>
    (await opener.open(log.filter((e) => e.streamId === streamId && types.includes(e.type) && e.position <= upTo))).map(
      (e) => toProjectedEvent(e),
    );
  return {
    schema,
    /**
     * Applies events as one batch (or in batches of `batchSize`), each batch as the runner does:
     * loads and fold, then one transaction. `cold: true` forgets the cached rows first, so the
     * batch loads from the tables.
     */
    async apply(
      events: readonly StoredEvent[],
      batchSize = events.length,
      options: { cold?: boolean } = {},
    ): Promise<void> {
      log.push(...events);
      if (options.cold) cache.clear();
      const handled = events.filter((e) => projection.eventTypes.includes(e.type));
      for (let i = 0; i < handled.length; i += Math.max(1, batchSize)) {
        // opened batch by batch, as the runner does: an erasure reaches the batches from its own on
        const batch = await opener.open(handled.slice(i, i + Math.max(1, batchSize)));
        await applyBatch(batch, { db, schema, projection, context, cache, history });
      }
    },
    /** Every row of a table as JSON (dates `YYYY-MM-DD`, times ISO), ordered by `orderBy`. */
    async rows(table: string, orderBy: string): Promise<Record<string, unknown>[]> {
      const { rows } = await sql<{
        row: Record<string, unknown>;
      }>`SELECT to_jsonb(t.*) AS row FROM ${sql.id(schema, table)} t
        ORDER BY t.${sql.ref(orderBy)}`.execute(db);
      return rows.map((r) => r.row);
    },
    /** Runs SQL with the projection's schema first on the search path (for the seed's queries). */
    async query<R>(text: string, parameters: unknown[] = []): Promise<R[]> {
      return inSchema(db, schema, async (trx) => (await sql.raw<R>(bind(text, parameters)).execute(trx)).rows);
    },
  };
}

/** Inlines `$1…` parameters as SQL literals (tests only). */
function bind(text: string, parameters: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, i: string) => {
    const value = parameters[Number(i) - 1];
    return value === null || value === undefined
      ? 'NULL'
      : typeof value === 'number'
        ? String(value)
        : `'${String(value).replaceAll("'", "''")}'`;
  });
}

/**
 * A projection's rows after an erasure of every patient the events name, two ways: applied live
 * (the events, then the erasures in a later batch) and replayed after the erasures (one batch:
 * every event already reads as erased). A projection handles erasure correctly when the two are
 * equal and its personal columns are `null`.
 *
 * @example const { live, replay } = await rowsAfterErasure(harness, consultationsProjection, history(), 'consultations', 'id');
 */
export async function rowsAfterErasure(
  harness: ReturnType<typeof projectionHarness>,
  projection: Projection,
  events: readonly StoredEvent[],
  table: string,
  orderBy: string,
): Promise<{ live: Record<string, unknown>[]; replay: Record<string, unknown>[] }> {
  const subjects = [
    ...new Set(
      events.flatMap((e) =>
        [e.data['patientId'], e.data['playerId']].filter((id): id is string => typeof id === 'string'),
      ),
    ),
  ];
  const log = new EventLog();
  const erasures = subjects.map((patientId) =>
    log.event(
      'PatientErased',
      { patientId, reason: 'request' },
      { streamId: `patient-${patientId}`, occurredAt: '2027-01-01T00:00:00Z' },
    ),
  );
  const live = await harness.fresh(projection);
  await live.apply(events);
  await live.apply(erasures);
  const replay = await harness.fresh(projection);
  await replay.apply([...events, ...erasures]);
  return { live: await live.rows(table, orderBy), replay: await replay.rows(table, orderBy) };
}
