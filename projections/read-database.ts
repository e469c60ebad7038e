import type { DatabaseOf } from '../libs/projection-engine/table.js';
import { consultationsTable } from './consultations/consultations.tables.js';
import { assignmentsTable } from './doctor-patient-assignments/doctor-patient-assignments.tables.js';
import { doctorsTable } from './doctors/doctors.tables.js';
import {
  patientStatisticsTable,
  statisticsConsultationsTable,
  statisticsDoctorsTable,
} from './patient-statistics/patient-statistics.tables.js';
import {
  patientTimelineTable,
  timelineProgressTable,
  timelineScansTable,
} from './patient-timeline/patient-timeline.tables.js';
import { patientsTable } from './patients/patients.tables.js';
import { reportStatusTable } from './report-status/report-status.tables.js';
import { sessionKpisTable } from './session-kpis/session-kpis.tables.js';
import { sessionsTable } from './sessions/sessions.tables.js';
import { symptomLogExportTable } from './symptom-log-export/symptom-log-export.tables.js';
import { trackerExportTable, trackerProgressTable } from './tracker-export/tracker-export.tables.js';

/**
 * Every table the projections own, as declared once in each projection's `*.tables.ts` (a spec
 * checks this list against the registry's `tableDefs`, so it cannot drift).
 */
export const readTables = [
  patientsTable,
  doctorsTable,
  assignmentsTable,
  consultationsTable,
  reportStatusTable,
  patientTimelineTable,
  timelineScansTable,
  timelineProgressTable,
  patientStatisticsTable,
  statisticsConsultationsTable,
  statisticsDoctorsTable,
  sessionsTable,
  sessionKpisTable,
  trackerExportTable,
  trackerProgressTable,
  symptomLogExportTable,
] as const;

/**
 * The kysely database of the read tables: `Kysely<ReadDatabase>` type-checks every table and
 * column a query names against the declarations, so renaming a column fails the type check.
 */
export type ReadDatabase = DatabaseOf<typeof readTables>;
