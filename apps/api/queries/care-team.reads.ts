import { sql, type Kysely } from 'kysely';
import { NotFound } from '../errors/http-errors.js';
import { selectList, type RowOf } from './columns.js';
import type { Items } from './page.js';
import { requirePatient } from './patients.reads.js';
import { assignmentColumns, doctorPatientColumns, doctorSummaryColumns, patientDoctorColumns, patientSummaryColumns } from './read-tables.js';

/** A row of `/patients/{id}/doctors`. */
export type PatientDoctorRow = RowOf<typeof patientDoctorColumns>;
/** A row of `/doctors/{id}/patients`. */
export type DoctorPatientRow = RowOf<typeof doctorPatientColumns>;

/** `true`: active assignments only; `false`: ended ones only; undefined: all. */
export type ActiveFilter = boolean | undefined;

const activeOnly = (active: ActiveFilter) => (active === undefined ? sql`` : sql`AND a.is_active = ${active}`);

/** Consultations of the assignment's doctor with the assignment's patient, any status. */
const consultationCount = sql`(SELECT count(*) FROM consultations c
  WHERE c.patient_id = a.patient_id AND c.doctor_id = a.doctor_id)::integer AS consultations`;

/** 404 when `doctors` has no row for the doctor. */
export async function requireDoctor(db: Kysely<unknown>, doctorId: string): Promise<void> {
  const { rows } = await sql`SELECT 1 FROM doctors WHERE doctor_id = ${doctorId}`.execute(db);
  if (rows.length === 0) throw new NotFound(`doctor ${doctorId} not found`);
}

/**
 * The patient's doctors (seed 001's query 3): every assignment joined with its doctor and the
 * number of consultations of that doctor with this patient; active first, then by
 * `assigned_at`, then `doctor_id`. 404 for an unknown patient.
 */
export async function patientDoctors(db: Kysely<unknown>, patientId: string, active: ActiveFilter): Promise<Items<PatientDoctorRow>> {
  await requirePatient(db, patientId);
  const { rows } = await sql<PatientDoctorRow>`
    SELECT a.doctor_id, ${selectList(doctorSummaryColumns, 'd')}, ${selectList(assignmentColumns, 'a')}, ${consultationCount}
    FROM doctor_patient_assignments a LEFT JOIN doctors d ON d.doctor_id = a.doctor_id
    WHERE a.patient_id = ${patientId} ${activeOnly(active)}
    ORDER BY a.is_active DESC, a.assigned_at, a.doctor_id`.execute(db);
  return { items: rows };
}

/**
 * The doctor's patients: every assignment joined with its patient and the number of their
 * consultations together; active first, then by `assigned_at`, then `patient_id`. 404 for
 * an unknown doctor.
 */
export async function doctorPatients(db: Kysely<unknown>, doctorId: string, active: ActiveFilter): Promise<Items<DoctorPatientRow>> {
  await requireDoctor(db, doctorId);
  const { rows } = await sql<DoctorPatientRow>`
    SELECT a.patient_id, ${selectList(patientSummaryColumns, 'p')}, ${selectList(assignmentColumns, 'a')}, ${consultationCount}
    FROM doctor_patient_assignments a LEFT JOIN patients p ON p.patient_id = a.patient_id
    WHERE a.doctor_id = ${doctorId} ${activeOnly(active)}
    ORDER BY a.is_active DESC, a.assigned_at, a.patient_id`.execute(db);
  return { items: rows };
}
