import type { PatientEvent } from './patient/patient.events.js';
import type { DoctorEvent } from './doctor/doctor.events.js';
import type { ConsultationEvent } from './consultation/consultation.events.js';
import type { ScanEvent } from './scan/scan.events.js';
import type { ReportEvent } from './report/report.events.js';
import type { TrackerEvent } from './tracker/tracker.events.js';
import type { SessionEvent } from './session/session.events.js';

/** Every event the domain emits: what projections handle. */
export type CaretrackEvent =
  PatientEvent | DoctorEvent | ConsultationEvent | ScanEvent | ReportEvent | TrackerEvent | SessionEvent;

/** An event type name: `'ConsultationRecorded'`, … */
export type CaretrackEventType = CaretrackEvent['type'];

/** The `data` of one event type: `EventData<'SessionCompleted'>['durationSeconds']`. */
export type EventData<T extends CaretrackEventType> = Extract<CaretrackEvent, { type: T }>['data'];
