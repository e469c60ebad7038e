import { sql } from 'kysely';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { insertRows, loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { statisticsEventTypes, toStatisticsSource } from './statistics-events.js';
import { counterColumns, doctorPair, foldConsultation, foldCounters, type ConsultationRow, type CounterRow } from './statistics-fold.js';
import {
  PATIENT_STATISTICS,
  PATIENT_STATISTICS_CONSULTATIONS,
  PATIENT_STATISTICS_DOCTORS,
  patientStatisticsTableNames,
  patientStatisticsTables,
} from './patient-statistics.tables.js';

const handled: ReadonlySet<string> = new Set(statisticsEventTypes);

/**
 * `patient_statistics` (SPEC §4). Per batch, at most six statements:
 * 1. load the consultations whose status changes in the batch (for their date);
 * 2. upsert the batch's consultations (current status) into `patient_statistics_consultations`;
 * 3. insert the batch's (patient, doctor) pairs into `patient_statistics_doctors`;
 * 4. load the touched patients' rows; fold the events in order (counters, dates, prediction);
 * 5. upsert those rows;
 * 6. recompute total_consultations, first/last_visit_date and unique_doctors of the patients
 *    whose consultations or doctors changed, set-based from the auxiliary tables.
 */
export const patientStatisticsProjection: Projection = {
  name: 'patient_statistics',
  version: 1,
  eventTypes: statisticsEventTypes,
  tableNames: patientStatisticsTableNames,
  tables: patientStatisticsTables,
  async apply(events, db) {
    const sources = events.filter((e) => handled.has(e.type)).map(toStatisticsSource);

    const changedIds = sources.flatMap(({ event }) => (event.type === 'ConsultationStatusChanged' ? [event.data.consultationId] : []));
    const storedConsultations = (await loadRowMap(db, PATIENT_STATISTICS_CONSULTATIONS, 'consultation_id', changedIds)) as Map<string, ConsultationRow>;
    const consultations = new Map<string, ConsultationRow>();
    const pairs = new Map<string, { patient_id: string; doctor_id: string }>();
    for (const source of sources) {
      const { event } = source;
      if (event.type === 'ConsultationRecorded' || event.type === 'ConsultationStatusChanged') {
        const id = event.data.consultationId;
        const after = foldConsultation(consultations.get(id) ?? storedConsultations.get(id), source);
        if (after) consultations.set(id, after);
      }
      const pair = doctorPair(source);
      if (pair) pairs.set(JSON.stringify([pair.patient_id, pair.doctor_id]), pair);
    }
    await upsertRows(db, PATIENT_STATISTICS_CONSULTATIONS, ['consultation_id'], [...consultations.values()]);
    await insertRows(db, PATIENT_STATISTICS_DOCTORS, ['patient_id', 'doctor_id'], [...pairs.values()]);

    const stored = await loadRowMap(db, PATIENT_STATISTICS, 'patient_id', sources.map((s) => s.patientId));
    const rows = new Map<string, CounterRow>();
    for (const source of sources) {
      const before = rows.get(source.patientId) ?? maybe(stored.get(source.patientId));
      rows.set(source.patientId, foldCounters(before, source));
    }
    await upsertRows(db, PATIENT_STATISTICS, ['patient_id'], [...rows.values()]);

    const recount = [...new Set([...[...consultations.values()].map((c) => c.patient_id), ...[...pairs.values()].map((p) => p.patient_id)])];
    if (recount.length > 0) await recomputeVisits(db, recount);
  },
};

function maybe(row: Record<string, unknown> | undefined): CounterRow | undefined {
  return row === undefined ? undefined : counterColumns(row);
}

/** total_consultations, first/last_visit_date (completed consultations only) and unique_doctors. */
async function recomputeVisits(db: Parameters<Projection['apply']>[1], patients: readonly string[]): Promise<void> {
  await sql`UPDATE ${sql.table(PATIENT_STATISTICS)} s SET
      total_consultations = v.completed,
      first_visit_date = v.first_visit,
      last_visit_date = v.last_visit,
      unique_doctors = d.doctors
    FROM unnest(${patients}::text[]) AS p(patient_id)
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE c.status = 'completed') AS completed,
        min(c.consultation_date) FILTER (WHERE c.status = 'completed') AS first_visit,
        max(c.consultation_date) FILTER (WHERE c.status = 'completed') AS last_visit
      FROM ${sql.table(PATIENT_STATISTICS_CONSULTATIONS)} c WHERE c.patient_id = p.patient_id) v
    CROSS JOIN LATERAL (
      SELECT count(*) AS doctors FROM ${sql.table(PATIENT_STATISTICS_DOCTORS)} d WHERE d.patient_id = p.patient_id) d
    WHERE s.patient_id = p.patient_id`.execute(db);
}
