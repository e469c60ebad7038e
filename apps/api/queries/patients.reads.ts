import { sql, type Kysely } from 'kysely';
import { NotFound, ServiceUnavailable } from '../errors/http-errors.js';
import { selectList, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { patientColumns, statisticsColumns } from './read-tables.js';

/** A `patients` row as served. */
export type PatientRow = RowOf<typeof patientColumns>;
/** A `patient_statistics` row as served. */
export type StatisticsRow = RowOf<typeof statisticsColumns>;

/** The cursor list name of `GET /patients`. */
export const PATIENTS_CURSOR = 'patients';

/**
 * The patient's row; 404 when `patients` has none (an unknown patient).
 *
 * @example const patient = await requirePatient(trx, 'p-1');
 */
export async function requirePatient(db: Kysely<unknown>, patientId: string): Promise<PatientRow> {
  const { rows } = await sql<PatientRow>`SELECT ${selectList(patientColumns, 'p')} FROM patients p WHERE p.patient_id = ${patientId}`.execute(db);
  const row = rows[0];
  if (!row) throw new NotFound(`patient ${patientId} not found`);
  return row;
}

/**
 * One page of patients in `patient_id` order (the database's collation), after the
 * patient_id `after` when given.
 */
export async function listPatients(db: Kysely<unknown>, limit: number, after: string | undefined): Promise<Page<PatientRow>> {
  const { rows } = await sql<PatientRow>`SELECT ${selectList(patientColumns, 'p')} FROM patients p
    ${after === undefined ? sql`` : sql`WHERE p.patient_id > ${after}`}
    ORDER BY p.patient_id
    LIMIT ${limit + 1}`.execute(db);
  return toPage(rows, limit, (row) => row, (row) => encodeCursor(PATIENTS_CURSOR, [row.patient_id]));
}

/**
 * The patient's statistics; 404 for an unknown patient. A registered patient always has a
 * row once `patient_statistics` has caught up, so a missing one is 503 `projection_behind`.
 */
export async function patientStatistics(db: Kysely<unknown>, patientId: string): Promise<StatisticsRow> {
  await requirePatient(db, patientId);
  const { rows } = await sql<StatisticsRow>`SELECT ${selectList(statisticsColumns, 's')} FROM patient_statistics s
    WHERE s.patient_id = ${patientId}`.execute(db);
  const row = rows[0];
  if (!row) throw new ServiceUnavailable(`the statistics of patient ${patientId} are not built yet; retry`, 'projection_behind');
  return row;
}
