import type { ProjectionName } from '../../../projections/index.js';

export type { ProjectionName };

/**
 * The projections behind each query endpoint: what `ReadModels.gate` waits for on
 * `X-Min-Position`, and whose lowest position `X-Projection-Position` reports. An endpoint
 * lists every table it reads, the 404 check's table included.
 *
 * @example await readModels.gate(querySources.statistics, request, reply);
 */
export const querySources = {
  patients: ['patients'],
  patient: ['patients'],
  statistics: ['patients', 'patient_statistics'],
  timeline: ['patients', 'patient_timeline'],
  patientDoctors: ['patients', 'doctor_patient_assignments', 'doctors', 'consultations'],
  patientConsultations: ['patients', 'consultations', 'doctors'],
  patientReports: ['patients', 'report_status'],
  doctorPatients: ['doctors', 'doctor_patient_assignments', 'patients', 'consultations'],
  reports: ['report_status'],
  session: ['sessions'],
  sessionKpis: ['sessions', 'session_kpis'],
  playerKpis: ['patients', 'session_kpis'],
  trackerExport: ['tracker_export'],
  symptomLogExport: ['symptom_log_export'],
} as const satisfies Record<string, readonly ProjectionName[]>;
