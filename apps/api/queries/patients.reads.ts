import { NotFound, ServiceUnavailable } from '../errors/http-errors.js';
import { served, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import type { ReadDb } from './read-database.js';
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
export async function requirePatient(db: ReadDb, patientId: string): Promise<PatientRow> {
  const row = await db
    .selectFrom('patients as p')
    .select(served(patientColumns, 'p'))
    .where('p.patient_id', '=', patientId)
    .$castTo<PatientRow>()
    .executeTakeFirst();
  if (!row) throw new NotFound(`patient ${patientId} not found`);
  return row;
}

/**
 * One page of patients in `patient_id` order (the database's collation), after the
 * patient_id `after` when given.
 */
export async function listPatients(db: ReadDb, limit: number, after: string | undefined): Promise<Page<PatientRow>> {
  const rows = await db
    .selectFrom('patients as p')
    .select(served(patientColumns, 'p'))
    .$if(after !== undefined, (q) => q.where('p.patient_id', '>', after ?? ''))
    .orderBy('p.patient_id')
    .limit(limit + 1)
    .$castTo<PatientRow>()
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row,
    (row) => encodeCursor(PATIENTS_CURSOR, [row.patient_id]),
  );
}

/**
 * The patient's statistics; 404 for an unknown patient. A registered patient always has a
 * row once `patient_statistics` has caught up, so a missing one is 503 `projection_behind`.
 */
export async function patientStatistics(db: ReadDb, patientId: string): Promise<StatisticsRow> {
  await requirePatient(db, patientId);
  const row = await db
    .selectFrom('patient_statistics as s')
    .select(served(statisticsColumns, 's'))
    .where('s.patient_id', '=', patientId)
    .$castTo<StatisticsRow>()
    .executeTakeFirst();
  if (!row)
    throw new ServiceUnavailable(
      `the statistics of patient ${patientId} are not built yet; retry`,
      'projection_behind',
    );
  return row;
}
