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

/** Every read model of SPEC §4, one projection per read table. */
export const allProjections: readonly Projection[] = [
  patientsProjection,
  doctorsProjection,
  doctorPatientAssignmentsProjection,
  consultationsProjection,
  reportStatusProjection,
  patientTimelineProjection,
  patientStatisticsProjection,
  sessionsProjection,
  sessionKpisProjection,
  trackerExportProjection,
  symptomLogExportProjection,
];
