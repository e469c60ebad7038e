import { served, type RowOf } from './columns.js';
import type { Items } from './page.js';
import { requirePatient } from './patients.reads.js';
import type { ReadDb } from './read-database.js';
import { consultationColumns, type patientConsultationColumns } from './read-tables.js';

/** A row of `/patients/{id}/consultations`. */
export type PatientConsultationRow = RowOf<typeof patientConsultationColumns>;

/**
 * The patient's consultations with their doctor's name (seed 001's query 5), newest first:
 * `consultation_date` descending, then `id`. Every status is included. 404 for an unknown patient.
 */
export async function patientConsultations(db: ReadDb, patientId: string): Promise<Items<PatientConsultationRow>> {
  await requirePatient(db, patientId);
  const rows = await db
    .selectFrom('consultations as c')
    .leftJoin('doctors as d', 'd.doctor_id', 'c.doctor_id')
    .select(served(consultationColumns, 'c'))
    .select('d.name as doctor_name')
    .where('c.patient_id', '=', patientId)
    .orderBy('c.consultation_date', 'desc')
    .orderBy('c.id', 'desc')
    .$castTo<PatientConsultationRow>()
    .execute();
  return { items: rows };
}
