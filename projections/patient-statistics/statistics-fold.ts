import { toInstant } from '../../libs/domain/shared/fields.js';
import type { StatisticsSource } from './statistics-events.js';
import type { ConsultationRow, StatisticsRow } from './patient-statistics.tables.js';

export type { ConsultationRow, StatisticsRow } from './patient-statistics.tables.js';

/** The columns of `patient_statistics` that each event folds directly (counters, dates, prediction). */
export type CounterRow = Omit<
  StatisticsRow,
  'total_consultations' | 'first_visit_date' | 'last_visit_date' | 'unique_doctors'
>;

/** The visit columns: completed consultations, first and last visit. */
export type VisitColumns = Pick<StatisticsRow, 'total_consultations' | 'first_visit_date' | 'last_visit_date'>;

/** A patient's row before any event: zeros. */
export function emptyStatistics(patientId: string): StatisticsRow {
  return {
    ...emptyCounters(patientId),
    total_consultations: 0,
    first_visit_date: null,
    last_visit_date: null,
    unique_doctors: 0,
  };
}

/**
 * The visit columns after a consultation changed from `before` to `after` (pure): a visit
 * that becomes completed counts and widens first/last visit. `undefined` when a completed
 * visit changes (taken back, or re-dated): then they are recomputed from all the patient's
 * consultations (`visitsOf`); the domain never does that, but the fold stays exact.
 */
export function foldVisit(
  visits: VisitColumns,
  before: ConsultationRow | undefined,
  after: ConsultationRow,
): VisitColumns | undefined {
  const was = before?.status === 'completed';
  const is = after.status === 'completed';
  if (was) return is && before?.consultation_date === after.consultation_date ? visits : undefined;
  if (!is) return visits;
  const date = after.consultation_date;
  return {
    total_consultations: visits.total_consultations + 1,
    first_visit_date: date === null ? visits.first_visit_date : earlier(visits.first_visit_date, date),
    last_visit_date: date === null ? visits.last_visit_date : later(visits.last_visit_date, date),
  };
}

/** The visit columns from all of a patient's consultations (pure). */
export function visitsOf(consultations: readonly ConsultationRow[]): VisitColumns {
  return consultations.reduce<VisitColumns>((visits, c) => foldVisit(visits, undefined, c)!, {
    total_consultations: 0,
    first_visit_date: null,
    last_visit_date: null,
  });
}

/**
 * Applies one event to a patient's counters (pure). Any handled event creates the row when
 * missing (zeros), so an event about an unregistered patient is counted, never lost or fatal;
 * `updated_at` is the occurredAt of the last event applied, in log order.
 *
 * - scans, predictions, generated reports, symptom logs, completed sessions: +1 each;
 * - last_scan_date / last_report_date: the LATEST occurredAt (a scan's takenAt may be backdated);
 * - parkinsons_status / parkinsons_stage: of the prediction recorded last (log order). A
 *   prediction carries no business time of its own (occurredAt is when it was recorded),
 *   so the last one recorded is the latest; its stage is null unless positive with a stage.
 *
 * @example foldCounters(undefined, registered) // { patient_id: 'p1', total_scans: 0, …, updated_at }
 * @example foldCounters(statisticsRow, symptomLogged) // the whole row, total_symptom_logs + 1
 */
export function foldCounters<R extends CounterRow>(row: R, source: StatisticsSource): R;
export function foldCounters(row: CounterRow | undefined, source: StatisticsSource): CounterRow;
export function foldCounters(row: CounterRow | undefined, source: StatisticsSource): CounterRow {
  // One new object per event (this runs for nearly every event of the log): the row's own
  // columns, whatever they are (a whole patient_statistics row keeps its visit columns), with
  // the counters this event moves.
  const current = row ?? emptyCounters(source.patientId);
  const updated_at = source.occurredAt;
  const { event } = source;
  switch (event.type) {
    case 'PatientRegistered':
    case 'DoctorAssigned':
    case 'ConsultationRecorded':
    case 'ConsultationStatusChanged':
      return { ...current, updated_at };
    case 'ScanUploaded':
      return {
        ...current,
        updated_at,
        total_scans: current.total_scans + 1,
        last_scan_date: later(current.last_scan_date, updated_at),
      };
    case 'PredictionRecorded':
      return {
        ...current,
        updated_at,
        total_predictions: current.total_predictions + 1,
        parkinsons_status: event.data.result,
        parkinsons_stage: event.data.stage ?? null,
      };
    case 'ReportGenerated':
      return {
        ...current,
        updated_at,
        total_reports: current.total_reports + 1,
        last_report_date: later(current.last_report_date, updated_at),
      };
    case 'SymptomLogged':
      return { ...current, updated_at, total_symptom_logs: current.total_symptom_logs + 1 };
    case 'SessionCompleted':
      return { ...current, updated_at, total_sessions: current.total_sessions + 1 };
    default:
      return unreachable(event);
  }
}

/**
 * Applies one event to a consultation's auxiliary row (pure); other events leave it as is.
 * A status change for a consultation never recorded (should not happen) keeps its status
 * with an unknown date, so it counts but gives no visit date.
 */
export function foldConsultation(
  row: ConsultationRow | undefined,
  { event }: StatisticsSource,
): ConsultationRow | undefined {
  switch (event.type) {
    case 'ConsultationRecorded':
      return {
        consultation_id: event.data.consultationId,
        patient_id: event.data.patientId,
        doctor_id: event.data.doctorId,
        consultation_date: toInstant(event.data.consultationDate).toISOString(),
        status: event.data.status,
      };
    case 'ConsultationStatusChanged':
      return {
        consultation_id: event.data.consultationId,
        patient_id: event.data.patientId,
        doctor_id: event.data.doctorId,
        consultation_date: row?.consultation_date ?? null,
        status: event.data.status,
      };
    default:
      return row;
  }
}

/** The (patient, doctor) pair an assignment or a consultation of ANY status adds to unique_doctors. */
export function doctorPair({ event }: StatisticsSource): { patient_id: string; doctor_id: string } | undefined {
  switch (event.type) {
    case 'DoctorAssigned':
    case 'ConsultationRecorded':
    case 'ConsultationStatusChanged':
      return { patient_id: event.data.patientId, doctor_id: event.data.doctorId };
    default:
      return undefined;
  }
}

function emptyCounters(patientId: string): CounterRow {
  return {
    patient_id: patientId,
    total_scans: 0,
    total_predictions: 0,
    total_reports: 0,
    last_scan_date: null,
    last_report_date: null,
    parkinsons_status: null,
    parkinsons_stage: null,
    total_symptom_logs: 0,
    total_sessions: 0,
    updated_at: '',
  };
}

/** The later of two instants (ISO strings with any offset), compared as instants. */
function later(current: string | null, candidate: string): string {
  return current !== null && Date.parse(current) >= Date.parse(candidate) ? current : candidate;
}

/** The earlier of two instants. */
function earlier(current: string | null, candidate: string): string {
  return current !== null && Date.parse(current) <= Date.parse(candidate) ? current : candidate;
}

function unreachable(event: never): never {
  throw new Error(`patient_statistics: unhandled event ${JSON.stringify(event)}`);
}
