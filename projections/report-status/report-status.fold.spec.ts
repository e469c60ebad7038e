import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { foldReportStatus } from './report-status.fold.js';

const log = new EventLog();

describe('foldReportStatus', () => {
  it('leaves requested_by null when the metadata names no actor', () => {
    const event = log.projected('ReportRequested', {
      reportId: 'r1',
      patientId: 'p1',
      reportType: 't',
      priority: 3,
    });
    const row = foldReportStatus(undefined, { ...event, metadata: { occurredAt: '2026-01-01T00:00:00Z' } });
    expect(row?.requested_by).toBeNull();
  });

  it('takes the retry count from the failure event, not by counting', () => {
    const requested = foldReportStatus(
      undefined,
      log.projected('ReportRequested', { reportId: 'r1', patientId: 'p1', reportType: 't', priority: 3 }),
    );
    const failed = foldReportStatus(
      requested,
      log.projected('ReportGenerationFailed', {
        reportId: 'r1',
        patientId: 'p1',
        reportType: 't',
        errorMessage: 'e',
        retryCount: 3,
      }),
    );
    expect(failed?.retry_count).toBe(3);
  });
});
