import { sql } from 'kysely';
import type { Projection } from '../../libs/projection-engine/projection.js';

/**
 * A projection for engine tests: one row per applied event (PK on the event id, so an event
 * applied twice fails loudly) and a per-stream counter. `failOn` makes it throw on events whose
 * data has `poison: true` while the flag is set.
 */
export function countingProjection(name: string, eventTypes: readonly string[], failOn: { poison: boolean } = { poison: false }): Projection {
  return {
    name,
    version: 1,
    eventTypes,
    tableNames: [`${name}_applied`, `${name}_counts`],
    tables: [
      `CREATE TABLE ${name}_applied (event_id uuid PRIMARY KEY, stream_id text NOT NULL, position numeric NOT NULL)`,
      `CREATE TABLE ${name}_counts (stream_id text PRIMARY KEY, n integer NOT NULL)`,
    ],
    async apply(events, db) {
      if (failOn.poison && events.some((e) => e.data['poison'] === true)) throw new Error('poisoned event');
      await sql`INSERT INTO ${sql.table(`${name}_applied`)} (event_id, stream_id, position)
        SELECT * FROM unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.streamId)}::text[], ${events.map((e) => e.position.toString())}::numeric[])`.execute(db);
      const counts = new Map<string, number>();
      for (const e of events) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
      await sql`INSERT INTO ${sql.table(`${name}_counts`)} (stream_id, n)
        SELECT * FROM unnest(${[...counts.keys()]}::text[], ${[...counts.values()]}::int[])
        ON CONFLICT (stream_id) DO UPDATE SET n = ${sql.table(`${name}_counts`)}.n + excluded.n`.execute(db);
    },
  };
}
