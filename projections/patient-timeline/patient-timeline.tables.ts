import { defineTable, double, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';
import type { TimelineSeverity } from './timeline-severity.js';

/** The `event_type` values of SPEC §4. */
export const timelineEventTypeValues = [
  'patient_registered',
  'doctor_assigned',
  'consultation',
  'consultation_status_changed',
  'scan_uploaded',
  'prediction_made',
  'report_requested',
  'report_generated',
  'report_failed',
  'symptom_logged',
  'stage_changed',
  'session_completed',
] as const;

/** An `event_type` of SPEC §4. */
export type TimelineEventType = (typeof timelineEventTypeValues)[number];

/**
 * `patient_timeline`: one row per timeline entry (SPEC §4). `event_id` is the source event's
 * id, except for `stage_changed` rows, whose id is `<source event id>:stage` (the
 * symptom_logged row of the same event keeps the plain id). The index serves
 * `GET /patients/{id}/timeline` (newest first, cursor `before`).
 */
export const patientTimelineTable = defineTable(
  'patient_timeline',
  {
    event_id: text(),
    patient_id: text(),
    event_date: timestamptz(),
    event_type: text<TimelineEventType>().checkIn(timelineEventTypeValues),
    title: text(),
    description: text(),
    /** the description written from the event with its personal fields erased; becomes `description` on PatientErased */
    description_erased: text(),
    severity: text<TimelineSeverity>().checkIn(['info', 'low', 'medium', 'high', 'critical']),
    source_type: text(),
    source_id: text(),
    doctor_id: text().nullable(),
  },
  {
    primaryKey: ['event_id'],
    indexes: [
      { name: 'patient_timeline_patient_date_idx', columns: ['patient_id', 'event_date DESC', 'event_id DESC'] },
    ],
  },
);

/** Auxiliary: the scans seen so far, so a prediction row can carry the scan's doctor. */
export const timelineScansTable = defineTable(
  'patient_timeline_scans',
  { scan_id: text(), patient_id: text(), doctor_id: text().nullable() },
  { primaryKey: ['scan_id'] },
);

/**
 * Auxiliary: each logging person's place in the stage machine (`StageState`, epoch ms), so a
 * log in loggedAt order adds its stage_changed row, if any, in O(1). A backdated log re-reads
 * the person's logs from the event log instead.
 */
export const timelineProgressTable = defineTable(
  'patient_timeline_progress',
  {
    patient_id: text(),
    stage: integer(),
    entered_ms: double(),
    last_symptomatic_ms: double().nullable(),
    latest_ms: double(),
  },
  { primaryKey: ['patient_id'], fillfactor: 70 },
);

/** A `patient_timeline` row as written. */
export type TimelineRow = RowOf<typeof patientTimelineTable>;
