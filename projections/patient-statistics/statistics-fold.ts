import { toInstant } from '../../libs/domain/shared/fields.js';
import type { StatisticsSource } from './statistics-events.js';

/**
 * The columns of `patient_statistics` folded event by event. The consultation and doctor
 * columns (total_consultations, first/last_visit_date, unique_doctors) are recomputed in SQL
 * from the auxiliary tables instead, because a later status change can take a visit back.
 */
export type CounterRow = {
  patient_id: string;
  total_scans: number;
  total_predictions: number;
  total_reports: number;
  last_scan_date: string | null;
  last_report_date: string | null;
  parkinsons_status: string | null;
  parkinsons_stage: number | null;
  total_symptom_logs: number;
  total_sessions: number;
  updated_at: string;
};

/** A row of `patient_statistics_consultations`. */
export type ConsultationRow = {
  consultation_id: string;
  patient_id: string;
  doctor_id: string;
  consultation_date: string | null;
  status: string;
};

/** The columns of a loaded `patient_statistics` row that the fold owns. */
export function counterColumns(row: Record<string, unknown>): CounterRow {
  return {
    patient_id: String(row['patient_id']),
    total_scans: Number(row['total_scans']),
    total_predictions: Number(row['total_predictions']),
    total_reports: Number(row['total_reports']),
    last_scan_date: (row['last_scan_date'] as string | null) ?? null,
    last_report_date: (row['last_report_date'] as string | null) ?? null,
    parkinsons_status: (row['parkinsons_status'] as string | null) ?? null,
    parkinsons_stage: (row['parkinsons_stage'] as number | null) ?? null,
    total_symptom_logs: Number(row['total_symptom_logs']),
    total_sessions: Number(row['total_sessions']),
    updated_at: String(row['updated_at']),
  };
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
 */
export function foldCounters(row: CounterRow | undefined, source: StatisticsSource): CounterRow {
  const base = { ...(row ?? emptyCounters(source.patientId)), updated_at: source.occurredAt };
  const { event } = source;
  switch (event.type) {
    case 'PatientRegistered':
    case 'DoctorAssigned':
    case 'ConsultationRecorded':
    case 'ConsultationStatusChanged':
      return base;
    case 'ScanUploaded':
      return { ...base, total_scans: base.total_scans + 1, last_scan_date: later(base.last_scan_date, source.occurredAt) };
    case 'PredictionRecorded':
      return {
        ...base,
        total_predictions: base.total_predictions + 1,
        parkinsons_status: event.data.result,
        parkinsons_stage: event.data.stage ?? null,
      };
    case 'ReportGenerated':
      return { ...base, total_reports: base.total_reports + 1, last_report_date: later(base.last_report_date, source.occurredAt) };
    case 'SymptomLogged':
      return { ...base, total_symptom_logs: base.total_symptom_logs + 1 };
    case 'SessionCompleted':
      return { ...base, total_sessions: base.total_sessions + 1 };
    default:
      return unreachable(event);
  }
}

/**
 * Applies one event to a consultation's auxiliary row (pure); other events leave it as is.
 * A status change for a consultation never recorded (should not happen) keeps its status
 * with an unknown date, so it counts but gives no visit date.
 */
export function foldConsultation(row: ConsultationRow | undefined, { event }: StatisticsSource): ConsultationRow | undefined {
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

function unreachable(event: never): never {
  throw new Error(`patient_statistics: unhandled event ${JSON.stringify(event)}`);
}
