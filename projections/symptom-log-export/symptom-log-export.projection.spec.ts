import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import type { EventData } from '../../libs/domain/events.js';
import { symptomLogExportProjection } from './symptom-log-export.projection.js';

const harness = specHarness();

function logged(log: EventLog, data: Partial<EventData<'SymptomLogged'>> & { logId: string }) {
  const full: EventData<'SymptomLogged'> = {
    patientId: 'p1',
    symptomId: 'headache',
    severity: 2,
    loggedAt: '2026-01-01T08:00:00Z',
    reporterType: 'self',
    ...data,
  };
  return log.event('SymptomLogged', full, {
    streamId: `tracker-${full.patientId}`,
    occurredAt: full.loggedAt,
  });
}

describe('symptom_log_export projection', () => {
  it('exports each log with its loggedAt as timestamp, reporter and context', async () => {
    const log = new EventLog();
    const t = await harness.fresh(symptomLogExportProjection);
    await t.apply([
      logged(log, {
        logId: 'l1',
        severity: 4,
        loggedAt: '2026-01-01T10:00:00+02:00',
        reporterType: 'coach',
        incidentContext: 'game',
      }),
      logged(log, { logId: 'l2', patientId: 'p2', symptomId: 'neck_pain', severity: 0 }),
    ]);
    expect(await t.rows('symptom_log_export', 'log_id')).toEqual([
      {
        log_id: 'l1',
        user_id: 'p1',
        symptom_id: 'headache',
        severity: 4,
        timestamp: '2026-01-01T08:00:00+00:00',
        reporter_type: 'coach',
        incident_context: 'game',
      },
      {
        log_id: 'l2',
        user_id: 'p2',
        symptom_id: 'neck_pain',
        severity: 0,
        timestamp: '2026-01-01T08:00:00+00:00',
        reporter_type: 'self',
        incident_context: null,
      },
    ]);
  });

  it('keeps the first row when another person reuses a log id', async () => {
    const log = new EventLog();
    const t = await harness.fresh(symptomLogExportProjection);
    await t.apply([logged(log, { logId: 'x', patientId: 'p1' }), logged(log, { logId: 'x', patientId: 'p2' })]);
    await t.apply([logged(log, { logId: 'x', patientId: 'p3' })]);
    expect((await t.rows('symptom_log_export', 'log_id')).map((r) => [r['log_id'], r['user_id']])).toEqual([
      ['x', 'p1'],
    ]);
  });

  it('gives the same rows in batches of one as in one batch', async () => {
    const log = new EventLog();
    const events = [
      logged(log, { logId: 'a', severity: 1 }),
      logged(log, { logId: 'b', patientId: 'p2', loggedAt: '2025-12-31T08:00:00Z' }),
      logged(log, { logId: 'a', patientId: 'p3' }),
      logged(log, { logId: 'c', incidentContext: 'practice' }),
    ];
    const whole = await harness.fresh(symptomLogExportProjection);
    await whole.apply(events);
    const single = await harness.fresh(symptomLogExportProjection);
    await single.apply(events, 1);
    const rows = await whole.rows('symptom_log_export', 'log_id');
    expect(rows.map((r) => [r['log_id'], r['user_id']])).toEqual([
      ['a', 'p1'],
      ['b', 'p2'],
      ['c', 'p1'],
    ]);
    expect(await single.rows('symptom_log_export', 'log_id')).toEqual(rows);
  });

  it('serves the export since a time, oldest first', async () => {
    const log = new EventLog();
    const t = await harness.fresh(symptomLogExportProjection);
    await t.apply([
      logged(log, { logId: 'late', loggedAt: '2026-01-03T08:00:00Z' }),
      logged(log, { logId: 'early', loggedAt: '2026-01-01T08:00:00Z' }),
      logged(log, { logId: 'mid', loggedAt: '2026-01-02T08:00:00Z' }),
    ]);
    const rows = await t.query<{ log_id: string }>(
      'SELECT log_id FROM symptom_log_export WHERE "timestamp" >= $1 ORDER BY "timestamp", log_id',
      ['2026-01-02T08:00:00Z'],
    );
    expect(rows).toEqual([{ log_id: 'mid' }, { log_id: 'late' }]);
  });
});
