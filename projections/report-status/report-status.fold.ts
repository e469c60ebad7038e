import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';
import type { ReportStatusRow } from './report-status.tables.js';

export type { ReportStatusRow } from './report-status.tables.js';

/** The event types the `report_status` projection handles. */
export const reportStatusEventTypes = handledEventTypes([
  'ReportRequested',
  'ReportGenerationStarted',
  'ReportGenerated',
  'ReportGenerationFailed',
  'PatientErased',
]);

/** The events the `report_status` projection handles, personal fields `null` once erased. */
export type ReportStatusEvent = HandledEvent<(typeof reportStatusEventTypes)[number]>;

/** A report's row once its patient was erased: the document's URI and the failure text `null`. */
export function clearReportStatus(row: ReportStatusRow): ReportStatusRow {
  return { ...row, report_uri: null, error_message: null };
}

/** The id of the actor who sent the command, from `metadata.actor.id`. */
function actorId(event: ProjectedEvent<ReportStatusEvent>): string | null {
  const actor = event.metadata['actor'];
  if (typeof actor !== 'object' || actor === null || !('id' in actor)) return null;
  return typeof actor.id === 'string' ? actor.id : null;
}

/**
 * Applies one event to a report's row (pure).
 *
 * - ReportRequested defines the row: `pending`, retry count 0, requested by the actor.
 * - ReportGenerationStarted: `generating`, `started_at` = this (latest) attempt.
 * - ReportGenerated: `generated`, `completed_at`, `report_uri`.
 * - ReportGenerationFailed: `failed`, `failed_at`, `error_message`, `retry_count` from the event.
 *
 * `failed_at` and `error_message` describe the latest failure and stay through a retry, so a
 * report being retried (or generated after retries) still shows why it failed before.
 * Events of a report never requested are ignored.
 *
 * @example foldReportStatus(undefined, requested) // { report_id: 'r1', status: 'pending', retry_count: 0, … }
 */
export function foldReportStatus(
  row: ReportStatusRow | undefined,
  event: ProjectedEvent<ReportStatusEvent>,
): ReportStatusRow | undefined {
  const occurredAt = event.occurredAt;
  if (event.type === 'ReportRequested') {
    const d = event.data;
    return {
      report_id: d.reportId,
      patient_id: d.patientId,
      report_type: d.reportType,
      status: 'pending',
      priority: d.priority,
      requested_by: actorId(event),
      requested_at: occurredAt,
      started_at: null,
      completed_at: null,
      failed_at: null,
      error_message: null,
      retry_count: 0,
      report_uri: null,
    };
  }
  if (!row) return row;
  switch (event.type) {
    case 'ReportGenerationStarted':
      return { ...row, status: 'generating', started_at: occurredAt, retry_count: event.data.retryCount };
    case 'ReportGenerated':
      return { ...row, status: 'generated', completed_at: occurredAt, report_uri: event.data.reportUri };
    case 'ReportGenerationFailed':
      return {
        ...row,
        status: 'failed',
        failed_at: occurredAt,
        error_message: event.data.errorMessage,
        retry_count: event.data.retryCount,
      };
    case 'PatientErased':
      return clearReportStatus(row);
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
