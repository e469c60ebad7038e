import { ConflictError, NotFoundError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { reportDecider } from './report.decider.js';
import type { ReportEvent } from './report.events.js';

const ctx = contextWith({ patientRegistered: true });
const of = { patientId: 'p1', reportType: 'mri_summary' };
const requested: ReportEvent = { type: 'ReportRequested', data: { reportId: 'r1', ...of, priority: 3 } };
const started = (retryCount: number): ReportEvent => ({
  type: 'ReportGenerationStarted',
  data: { reportId: 'r1', ...of, retryCount },
});
const failed = (retryCount: number): ReportEvent => ({
  type: 'ReportGenerationFailed',
  data: { reportId: 'r1', ...of, errorMessage: 'timeout', retryCount },
});
const generated: ReportEvent = { type: 'ReportGenerated', data: { reportId: 'r1', ...of, reportUri: 's3://r/r1.pdf' } };
const failedThrice = [requested, started(0), failed(1), started(1), failed(2), started(2), failed(3)];

const start = { type: 'StartReportGeneration', data: { reportId: 'r1' } } as const;
const complete = { type: 'CompleteReport', data: { reportId: 'r1', reportUri: 's3://r/r1.pdf' } } as const;
const fail = { type: 'FailReport', data: { reportId: 'r1', errorMessage: 'renderer crashed' } } as const;

describe('RequestReport', () => {
  const request = {
    type: 'RequestReport',
    data: { reportId: 'r1', patientId: 'p1', reportType: 'mri_summary' },
  } as const;

  it('requests a report with priority 3 by default', () => {
    expect(given(reportDecider).when(request, ctx)).toEqual([
      { type: 'ReportRequested', data: { ...request.data, priority: 3 } },
    ]);
  });

  it('keeps the priority sent', () => {
    const event = given(reportDecider).whenOne({ ...request, data: { ...request.data, priority: 1 } }, ctx);
    expect(event.data).toMatchObject({ priority: 1 });
  });

  it('rejects an unregistered patient with 404', () => {
    expect(given(reportDecider).error(request, contextWith({ patientRegistered: false }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rejects an existing report id with 409', () => {
    expect(given(reportDecider, requested).error(request, ctx)).toBeInstanceOf(ConflictError);
  });
});

describe('StartReportGeneration', () => {
  it('starts a pending report', () => {
    expect(given(reportDecider, requested).when(start, ctx)).toEqual([
      { type: 'ReportGenerationStarted', data: { reportId: 'r1', ...of, retryCount: 0 } },
    ]);
  });

  it('restarts a failed report while retries < 3', () => {
    expect(given(reportDecider, requested, started(0), failed(1), started(1), failed(2)).when(start, ctx)).toEqual([
      { type: 'ReportGenerationStarted', data: { reportId: 'r1', ...of, retryCount: 2 } },
    ]);
  });

  it('rejects a report failed 3 times with 409', () => {
    const error = given(reportDecider, ...failedThrice).error(start, ctx);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'retry_limit_reached' });
  });

  it('rejects a report already generating or generated with 409', () => {
    expect(given(reportDecider, requested, started(0)).error(start, ctx)).toMatchObject({
      code: 'invalid_status_transition',
    });
    expect(given(reportDecider, requested, started(0), generated).error(start, ctx)).toBeInstanceOf(ConflictError);
  });

  it('rejects a report never requested with 404', () => {
    expect(given(reportDecider).error(start, ctx)).toBeInstanceOf(NotFoundError);
  });
});

describe('CompleteReport', () => {
  it('completes a generating report', () => {
    expect(given(reportDecider, requested, started(0)).when(complete, ctx)).toEqual([generated]);
  });

  it('rejects a pending, generated or failed report with 409', () => {
    expect(given(reportDecider, requested).error(complete, ctx)).toBeInstanceOf(ConflictError);
    expect(given(reportDecider, requested, started(0), generated).error(complete, ctx)).toBeInstanceOf(ConflictError);
    expect(given(reportDecider, requested, started(0), failed(1)).error(complete, ctx)).toBeInstanceOf(ConflictError);
  });

  it('rejects a report never requested with 404', () => {
    expect(given(reportDecider).error(complete, ctx)).toBeInstanceOf(NotFoundError);
  });
});

describe('FailReport', () => {
  it('fails a generating report and carries the incremented retry count', () => {
    expect(given(reportDecider, requested, started(0), failed(1), started(1)).when(fail, ctx)).toEqual([
      {
        type: 'ReportGenerationFailed',
        data: { reportId: 'r1', ...of, errorMessage: 'renderer crashed', retryCount: 2 },
      },
    ]);
  });

  it('rejects a pending or failed report with 409', () => {
    expect(given(reportDecider, requested).error(fail, ctx)).toBeInstanceOf(ConflictError);
    expect(given(reportDecider, ...failedThrice).error(fail, ctx)).toBeInstanceOf(ConflictError);
  });

  it('rejects a report never requested with 404', () => {
    expect(given(reportDecider).error(fail, ctx)).toBeInstanceOf(NotFoundError);
  });
});
