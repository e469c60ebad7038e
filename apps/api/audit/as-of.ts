import { sql } from 'kysely';
import type { StoredEvent } from '../../../libs/event-store/index.js';
import { withScratchReplay, type EventOpener, type ProjectionContext } from '../../../libs/projection-engine/index.js';
import type { ReadModels } from '../read-models/read-models.js';
import type { EventStore } from '../../../libs/event-store/index.js';

/** The read models an as-of answer shows. */
export const AS_OF_PROJECTIONS = ['patient_statistics', 'patient_timeline', 'tracker_export'] as const;

/** True for an event that belongs to this person's history (their streams, or naming them). */
export function concernsPatient(event: StoredEvent, patientId: string): boolean {
  if (event.streamId === `patient-${patientId}` || event.streamId === `tracker-${patientId}`) return true;
  return event.data['patientId'] === patientId || event.data['playerId'] === patientId;
}

/**
 * The patient's statistics, timeline and tracker row as the projections would have shown
 * them with the history recorded up to `at`: their own code, replayed into a scratch schema.
 * The events are decrypted as they read now, so an erased patient's fields are `null` at every
 * `at`, also before the erasure (SPEC §9).
 */
export async function patientAsOf(
  readModels: ReadModels,
  store: EventStore,
  opener: EventOpener,
  context: ProjectionContext,
  patientId: string,
  at: Date,
) {
  const projections = readModels.projections.filter((p) => (AS_OF_PROJECTIONS as readonly string[]).includes(p.name));
  return withScratchReplay(
    readModels.db,
    store,
    opener,
    projections,
    context,
    (e) => e.recordedAt <= at && concernsPatient(e, patientId),
    async (schema) => {
      const rows = async (table: string, order = sql``) =>
        (
          await sql<{ row: Record<string, unknown> }>`SELECT to_jsonb(t.*) AS row FROM ${sql.id(schema, table)} t
          WHERE ${sql.ref(table === 'tracker_export' ? 'user_id' : 'patient_id')} = ${patientId} ${order}`.execute(
            readModels.db,
          )
        ).rows.map((r) => r.row);
      return {
        patientId,
        at: at.toISOString(),
        statistics: (await rows('patient_statistics'))[0] ?? null,
        timeline: await rows('patient_timeline', sql`ORDER BY t.event_date DESC, t.event_id DESC`),
        tracker: (await rows('tracker_export'))[0] ?? null,
      };
    },
  );
}
