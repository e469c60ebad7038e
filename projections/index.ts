import type { Projection } from '../libs/projection-engine/projection.js';
import type {} from './context.js';
import { consultationsProjection } from './consultations/consultations.projection.js';
import { doctorPatientAssignmentsProjection } from './doctor-patient-assignments/doctor-patient-assignments.projection.js';
import { doctorsProjection } from './doctors/doctors.projection.js';
import { patientStatisticsProjection } from './patient-statistics/patient-statistics.projection.js';
import { patientTimelineProjection } from './patient-timeline/patient-timeline.projection.js';
import { patientsProjection } from './patients/patients.projection.js';
import { reportStatusProjection } from './report-status/report-status.projection.js';
import { sessionKpisProjection } from './session-kpis/session-kpis.projection.js';
import { sessionsProjection } from './sessions/sessions.projection.js';
import { symptomLogExportProjection } from './symptom-log-export/symptom-log-export.projection.js';
import { trackerExportProjection } from './tracker-export/tracker-export.projection.js';

/**
 * The registry: every read model of SPEC §4 by its name (= its main table). A spec checks that
 * each key is its projection's name.
 */
export const projectionRegistry = {
  patients: patientsProjection,
  doctors: doctorsProjection,
  doctor_patient_assignments: doctorPatientAssignmentsProjection,
  consultations: consultationsProjection,
  report_status: reportStatusProjection,
  patient_timeline: patientTimelineProjection,
  patient_statistics: patientStatisticsProjection,
  sessions: sessionsProjection,
  session_kpis: sessionKpisProjection,
  tracker_export: trackerExportProjection,
  symptom_log_export: symptomLogExportProjection,
} as const satisfies Record<string, Projection>;

/** The name of a read model: `'patients'`, `'patient_timeline'`, … */
export type ProjectionName = keyof typeof projectionRegistry;

/** Every read model of SPEC §4, one projection per read table, in the registry's order. */
export const allProjections: readonly Projection[] = Object.values(projectionRegistry);
