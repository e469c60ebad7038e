import { sql, type Kysely } from 'kysely';
import { selectList, type RowOf } from './columns.js';
import type { Items } from './page.js';
import { requirePatient } from './patients.reads.js';
import { consultationColumns, type patientConsultationColumns } from './read-tables.js';

/** A row of `/patients/{id}/consultations`. */
export type PatientConsultationRow = RowOf<typeof patientConsultationColumns>;

/**
 * The patient's consultations with their doctor's name (seed 001's query 5), newest first:
 * `consultation_date` descending, then `id`. Every status is included. 404 for an unknown patient.
 */
export async function patientConsultations(db: Kysely<unknown>, patientId: string): Promise<Items<PatientConsultationRow>> {
  await requirePatient(db, patientId);
  const { rows } = await sql<PatientConsultationRow>`
    SELECT ${selectList(consultationColumns, 'c')}, d.name AS doctor_name
    FROM consultations c LEFT JOIN doctors d ON d.doctor_id = c.doctor_id
    WHERE c.patient_id = ${patientId}
    ORDER BY c.consultation_date DESC, c.id DESC`.execute(db);
  return { items: rows };
}
