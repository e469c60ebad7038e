import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type { CompleteReport, FailReport, RequestReport, StartReportGeneration } from './report.commands.js';
import type { ReportEvent } from './report.events.js';

/** Generation attempts allowed after failures: a report failed 3 times stays failed. */
export const MAX_REPORT_RETRIES = 3;

/** Commands of the report aggregate. */
export type ReportCommand =
  | Command<'RequestReport', RequestReport>
  | Command<'StartReportGeneration', StartReportGeneration>
  | Command<'CompleteReport', CompleteReport>
  | Command<'FailReport', FailReport>;

/** Where a report is in its pipeline. */
export type ReportStatus = 'pending' | 'generating' | 'generated' | 'failed';

/** What the decider remembers about a report. */
export type ReportState =
  { status: 'none' } | { status: ReportStatus; patientId: string; reportType: string; retryCount: number };

/** RequestReport needs `patientRegistered`. */
export type ReportContext = DecideContext & { patientRegistered?: boolean };

/** The report aggregate, stream `report-{reportId}`. */
export const reportDecider: Decider<ReportCommand, ReportEvent, ReportState, ReportContext> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    if (event.type === 'ReportRequested')
      return { status: 'pending', patientId: event.data.patientId, reportType: event.data.reportType, retryCount: 0 };
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'ReportGenerationStarted':
        return { ...state, status: 'generating' };
      case 'ReportGenerated':
        return { ...state, status: 'generated' };
      case 'ReportGenerationFailed':
        return { ...state, status: 'failed', retryCount: event.data.retryCount };
      default:
        return unreachable(event);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'RequestReport':
        return request(command.data, state, context);
      case 'StartReportGeneration':
        return start(command.data, state);
      case 'CompleteReport': {
        const { patientId, reportType } = whileGenerating(state, command.data.reportId);
        return [{ type: 'ReportGenerated', data: { ...command.data, patientId, reportType } }];
      }
      case 'FailReport': {
        const { patientId, reportType, retryCount } = whileGenerating(state, command.data.reportId);
        return [
          {
            type: 'ReportGenerationFailed',
            data: { ...command.data, patientId, reportType, retryCount: retryCount + 1 },
          },
        ];
      }
      default:
        return unreachable(command);
    }
  },
};

function request(data: RequestReport, state: ReportState, context: ReportContext): ReportEvent[] {
  if (state.status !== 'none') throw new ConflictError(`report ${data.reportId} already exists`, 'already_exists');
  if (!requireFact(context.patientRegistered, 'patientRegistered')) throw new NotFoundError('patient', data.patientId);
  return [{ type: 'ReportRequested', data: { ...data, priority: data.priority ?? 3 } }];
}

function start(data: StartReportGeneration, state: ReportState): ReportEvent[] {
  if (state.status === 'none') throw new NotFoundError('report', data.reportId);
  if (state.status === 'failed' && state.retryCount >= MAX_REPORT_RETRIES)
    throw new ConflictError(
      `report ${data.reportId} failed ${state.retryCount} times: no retry left`,
      'retry_limit_reached',
    );
  if (state.status !== 'pending' && state.status !== 'failed')
    throw new ConflictError(`report ${data.reportId} is ${state.status}`, 'invalid_status_transition');
  const { patientId, reportType, retryCount } = state;
  return [{ type: 'ReportGenerationStarted', data: { ...data, patientId, reportType, retryCount } }];
}

function whileGenerating(state: ReportState, reportId: string) {
  if (state.status === 'none') throw new NotFoundError('report', reportId);
  if (state.status !== 'generating')
    throw new ConflictError(`report ${reportId} is ${state.status}, not generating`, 'invalid_status_transition');
  return state;
}
