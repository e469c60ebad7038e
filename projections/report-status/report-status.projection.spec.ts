import { describe, expect, it } from '@jest/globals';
import { EventLog, rowsAfterErasure, specHarness } from '../testing/projection-spec.js';
import { reportStatusProjection } from './report-status.projection.js';

const harness = specHarness();

const of = { patientId: 'p1', reportType: 'concussion_summary' };

function history() {
  const log = new EventLog();
  const r = (id: string) => ({ streamId: `report-${id}` });
  return [
    log.event(
      'ReportRequested',
      { reportId: 'r1', ...of, priority: 3 },
      { ...r('r1'), occurredAt: '2026-01-01T10:00:00Z', actor: { id: 'svc-portal', role: 'service' } },
    ),
    log.event(
      'ReportRequested',
      { reportId: 'r2', patientId: 'p2', reportType: 'mri', priority: 1 },
      { ...r('r2'), occurredAt: '2026-01-01T09:00:00Z', actor: { id: 'svc-admin', role: 'admin' } },
    ),
    log.event(
      'ReportRequested',
      { reportId: 'r3', ...of, priority: 5 },
      { ...r('r3'), occurredAt: '2026-01-01T11:00:00Z' },
    ),
    log.event(
      'ReportGenerationStarted',
      { reportId: 'r1', ...of, retryCount: 0 },
      { ...r('r1'), occurredAt: '2026-01-01T10:01:00Z' },
    ),
    log.event(
      'ReportGenerationFailed',
      { reportId: 'r1', ...of, errorMessage: 'renderer timeout', retryCount: 1 },
      { ...r('r1'), occurredAt: '2026-01-01T10:02:00Z' },
    ),
    log.event(
      'ReportGenerationStarted',
      { reportId: 'r2', patientId: 'p2', reportType: 'mri', retryCount: 0 },
      { ...r('r2'), occurredAt: '2026-01-01T10:03:00Z' },
    ),
    log.event(
      'ReportGenerationStarted',
      { reportId: 'r1', ...of, retryCount: 1 },
      { ...r('r1'), occurredAt: '2026-01-01T10:05:00Z' },
    ),
    log.event(
      'ReportGenerated',
      { reportId: 'r2', patientId: 'p2', reportType: 'mri', reportUri: 's3://reports/r2.pdf' },
      { ...r('r2'), occurredAt: '2026-01-01T10:06:00Z' },
    ),
    log.event(
      'ReportGenerationStarted',
      { reportId: 'r3', ...of, retryCount: 0 },
      { ...r('r3'), occurredAt: '2026-01-01T11:01:00Z' },
    ),
    log.event(
      'ReportGenerationFailed',
      { reportId: 'r3', ...of, errorMessage: 'no scans', retryCount: 1 },
      { ...r('r3'), occurredAt: '2026-01-01T11:02:00Z' },
    ),
  ];
}

const empty = {
  started_at: null,
  completed_at: null,
  failed_at: null,
  error_message: null,
  retry_count: 0,
  report_uri: null,
};
const requested = [
  {
    report_id: 'r1',
    patient_id: 'p1',
    report_type: 'concussion_summary',
    status: 'pending',
    priority: 3,
    requested_by: 'svc-portal',
    requested_at: '2026-01-01T10:00:00+00:00',
    ...empty,
  },
  {
    report_id: 'r2',
    patient_id: 'p2',
    report_type: 'mri',
    status: 'pending',
    priority: 1,
    requested_by: 'svc-admin',
    requested_at: '2026-01-01T09:00:00+00:00',
    ...empty,
  },
  {
    report_id: 'r3',
    patient_id: 'p1',
    report_type: 'concussion_summary',
    status: 'pending',
    priority: 5,
    requested_by: 'key000000000',
    requested_at: '2026-01-01T11:00:00+00:00',
    ...empty,
  },
];
const final = [
  // retried after a failure: generating again, the failure kept, retry count from the start event
  {
    ...requested[0],
    status: 'generating',
    started_at: '2026-01-01T10:05:00+00:00',
    failed_at: '2026-01-01T10:02:00+00:00',
    error_message: 'renderer timeout',
    retry_count: 1,
  },
  {
    ...requested[1],
    status: 'generated',
    started_at: '2026-01-01T10:03:00+00:00',
    completed_at: '2026-01-01T10:06:00+00:00',
    report_uri: 's3://reports/r2.pdf',
  },
  {
    ...requested[2],
    status: 'failed',
    started_at: '2026-01-01T11:01:00+00:00',
    failed_at: '2026-01-01T11:02:00+00:00',
    error_message: 'no scans',
    retry_count: 1,
  },
];

describe('report_status projection', () => {
  it("an erasure nulls the personal columns of the patient's rows; a replay after it gives the same rows", async () => {
    const { live, replay } = await rowsAfterErasure(
      harness,
      reportStatusProjection,
      history(),
      'report_status',
      'report_id',
    );
    expect(live.length).toBeGreaterThan(0);
    for (const row of live)
      expect({ report_uri: row['report_uri'], error_message: row['error_message'] }).toEqual({
        report_uri: null,
        error_message: null,
      });
    expect(replay).toEqual(live);
  });

  it('makes a request a pending row with its priority and the requesting actor', async () => {
    const t = await harness.fresh(reportStatusProjection);
    await t.apply(history().slice(0, 3));
    expect(await t.rows('report_status', 'report_id')).toEqual(requested);
  });

  it('follows the pipeline: started, failed with message and retry count, retried, generated with its URI', async () => {
    const t = await harness.fresh(reportStatusProjection);
    await t.apply(history());
    expect(await t.rows('report_status', 'report_id')).toEqual(final);
  });

  it('shows the failure of the moment it failed', async () => {
    const t = await harness.fresh(reportStatusProjection);
    await t.apply(history().slice(0, 5));
    expect((await t.rows('report_status', 'report_id'))[0]).toEqual({
      ...requested[0],
      status: 'failed',
      started_at: '2026-01-01T10:01:00+00:00',
      failed_at: '2026-01-01T10:02:00+00:00',
      error_message: 'renderer timeout',
      retry_count: 1,
    });
  });

  it('ignores the pipeline events of a report never requested', async () => {
    const log = new EventLog();
    const t = await harness.fresh(reportStatusProjection);
    await t.apply([
      log.event('ReportGenerationStarted', { reportId: 'rx', ...of, retryCount: 0 }),
      log.event('ReportGenerated', { reportId: 'rx', ...of, reportUri: 'u' }),
    ]);
    expect(await t.rows('report_status', 'report_id')).toEqual([]);
  });

  it("answers the seed's open-reports query, oldest request first", async () => {
    const t = await harness.fresh(reportStatusProjection);
    await t.apply(history());
    const rows = await t.query<{ report_id: string }>(
      "SELECT report_id FROM report_status WHERE status IN ('pending', 'generating', 'failed') ORDER BY requested_at ASC",
    );
    expect(rows.map((r) => r.report_id)).toEqual(['r1', 'r3']);
  });

  it('gives the same rows in batches of one, of three, and in one batch', async () => {
    const events = history();
    for (const size of [1, 3, events.length]) {
      const t = await harness.fresh(reportStatusProjection);
      await t.apply(events, size);
      expect(await t.rows('report_status', 'report_id')).toEqual(final);
    }
  });
});
