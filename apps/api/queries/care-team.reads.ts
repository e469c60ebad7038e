import { sql, type ExpressionBuilder } from 'kysely';
import type { ReadDatabase } from '../../../projections/read-database.js';
import { NotFound } from '../errors/http-errors.js';
import { served, type RowOf } from './columns.js';
import type { Items } from './page.js';
import { requirePatient } from './patients.reads.js';
import type { ReadDb } from './read-database.js';
import {
  assignmentColumns,
  doctorPatientColumns,
  doctorSummaryColumns,
  patientDoctorColumns,
  patientSummaryColumns,
} from './read-tables.js';

/** A row of `/patients/{id}/doctors`. */
export type PatientDoctorRow = RowOf<typeof patientDoctorColumns>;
/** A row of `/doctors/{id}/patients`. */
export type DoctorPatientRow = RowOf<typeof doctorPatientColumns>;

/** `true`: active assignments only; `false`: ended ones only; undefined: all. */
export type ActiveFilter = boolean | undefined;

type AssignmentScope = ExpressionBuilder<ReadDatabase & { a: ReadDatabase['doctor_patient_assignments'] }, 'a'>;

/** Consultations of the assignment's doctor with the assignment's patient, any status. */
const consultationCount = (eb: AssignmentScope) =>
  eb
    .selectFrom('consultations as c')
    .select(sql<number>`count(*)::integer`.as('n'))
    .whereRef('c.patient_id', '=', 'a.patient_id')
    .whereRef('c.doctor_id', '=', 'a.doctor_id')
    .as('consultations');

/** 404 when `doctors` has no row for the doctor. */
export async function requireDoctor(db: ReadDb, doctorId: string): Promise<void> {
  const row = await db.selectFrom('doctors').select('doctor_id').where('doctor_id', '=', doctorId).executeTakeFirst();
  if (!row) throw new NotFound(`doctor ${doctorId} not found`);
}

/**
 * The patient's doctors (seed 001's query 3): every assignment joined with its doctor and the
 * number of consultations of that doctor with this patient; active first, then by
 * `assigned_at`, then `doctor_id`. 404 for an unknown patient.
 */
export async function patientDoctors(
  db: ReadDb,
  patientId: string,
  active: ActiveFilter,
): Promise<Items<PatientDoctorRow>> {
  await requirePatient(db, patientId);
  const rows = await db
    .selectFrom('doctor_patient_assignments as a')
    .leftJoin('doctors as d', 'd.doctor_id', 'a.doctor_id')
    .select('a.doctor_id')
    .select(served(doctorSummaryColumns, 'd'))
    .select(served(assignmentColumns, 'a'))
    .select(consultationCount)
    .where('a.patient_id', '=', patientId)
    .$if(active !== undefined, (q) => q.where('a.is_active', '=', active === true))
    .orderBy('a.is_active', 'desc')
    .orderBy('a.assigned_at')
    .orderBy('a.doctor_id')
    .$castTo<PatientDoctorRow>()
    .execute();
  return { items: rows };
}

/**
 * The doctor's patients: every assignment joined with its patient and the number of their
 * consultations together; active first, then by `assigned_at`, then `patient_id`. 404 for
 * an unknown doctor.
 */
export async function doctorPatients(
  db: ReadDb,
  doctorId: string,
  active: ActiveFilter,
): Promise<Items<DoctorPatientRow>> {
  await requireDoctor(db, doctorId);
  const rows = await db
    .selectFrom('doctor_patient_assignments as a')
    .leftJoin('patients as p', 'p.patient_id', 'a.patient_id')
    .select('a.patient_id')
    .select(served(patientSummaryColumns, 'p'))
    .select(served(assignmentColumns, 'a'))
    .select(consultationCount)
    .where('a.doctor_id', '=', doctorId)
    .$if(active !== undefined, (q) => q.where('a.is_active', '=', active === true))
    .orderBy('a.is_active', 'desc')
    .orderBy('a.assigned_at')
    .orderBy('a.patient_id')
    .$castTo<DoctorPatientRow>()
    .execute();
  return { items: rows };
}
