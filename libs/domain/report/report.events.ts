import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type { CompleteReport, FailReport, RequestReport, StartReportGeneration } from './report.commands.js';

/** Who the report is for, carried by every event after the request. */
type ReportOf = { patientId: string; reportType: string };

/** A report was requested; `priority` defaults to 3. */
export type ReportRequested = DomainEvent<'ReportRequested', RequestReport & { priority: number }>;
/** Generation began; `retryCount` = failures so far. */
export type ReportGenerationStarted = DomainEvent<
  'ReportGenerationStarted',
  StartReportGeneration & ReportOf & { retryCount: number }
>;
/** The report is ready at `reportUri`. */
export type ReportGenerated = DomainEvent<'ReportGenerated', CompleteReport & ReportOf>;
/** Generation failed; `retryCount` is the new count, this failure included. */
export type ReportGenerationFailed = DomainEvent<
  'ReportGenerationFailed',
  FailReport & ReportOf & { retryCount: number }
>;

/** Events of the `report-{reportId}` stream. */
export type ReportEvent = ReportRequested | ReportGenerationStarted | ReportGenerated | ReportGenerationFailed;

/** True for the events of a report stream. */
export const isReportEvent = eventGuard<ReportEvent>({
  ReportRequested: true,
  ReportGenerationStarted: true,
  ReportGenerated: true,
  ReportGenerationFailed: true,
});

/** Business time of a report event: the server time. */
export function reportOccurredAt(_event: ReportEvent, now: Date): Date {
  return now;
}
