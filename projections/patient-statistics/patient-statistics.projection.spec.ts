import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import type { EventData } from '../../libs/domain/events.js';
import { patientStatisticsProjection } from './patient-statistics.projection.js';

const harness = specHarness();

const zeros = {
  total_consultations: 0,
  total_scans: 0,
  total_predictions: 0,
  total_reports: 0,
  unique_doctors: 0,
  first_visit_date: null,
  last_visit_date: null,
  last_scan_date: null,
  last_report_date: null,
  parkinsons_status: null,
  parkinsons_stage: null,
  total_symptom_logs: 0,
  total_sessions: 0,
};

const sha256 = 'c'.repeat(64);

function history(log = new EventLog()) {
  const consultation = (
    id: string,
    doctorId: string,
    date: string,
    status: EventData<'ConsultationRecorded'>['status'],
    occurredAt = date.length === 10 ? `${date}T00:00:00Z` : date,
  ) =>
    log.event(
      'ConsultationRecorded',
      { consultationId: id, patientId: 'p1', doctorId, consultationType: 'in_person', consultationDate: date, status },
      { streamId: `consultation-${id}`, occurredAt },
    );
  const statusChange = (
    id: string,
    doctorId: string,
    status: EventData<'ConsultationStatusChanged'>['status'],
    occurredAt: string,
  ) =>
    log.event(
      'ConsultationStatusChanged',
      { consultationId: id, status, previousStatus: 'scheduled', patientId: 'p1', doctorId },
      { streamId: `consultation-${id}`, occurredAt },
    );
  const scan = (id: string, occurredAt: string) =>
    log.event(
      'ScanUploaded',
      {
        scanId: id,
        patientId: 'p1',
        modality: 'MRI',
        fileUri: `blob://${id}`,
        sha256,
        sizeBytes: 1,
        takenAt: occurredAt,
      },
      { streamId: `scan-${id}`, occurredAt },
    );
  return [
    log.event(
      'PatientRegistered',
      { patientId: 'p1', firstName: 'Ada', lastName: 'Lovelace' },
      { streamId: 'patient-p1', occurredAt: '2026-01-01T09:00:00Z' },
    ),
    log.event(
      'PatientRegistered',
      { patientId: 'p2', firstName: 'Bo', lastName: 'Jackson' },
      { streamId: 'patient-p2', occurredAt: '2026-01-01T09:30:00Z' },
    ),
    log.event(
      'DoctorAssigned',
      { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' },
      { streamId: 'patient-p1', occurredAt: '2026-01-01T10:00:00Z' },
    ),
    consultation('c1', 'd1', '2026-01-05', 'completed'),
    consultation('c2', 'd2', '2026-01-03T14:00:00+02:00', 'completed'),
    consultation('c3', 'd3', '2026-01-20', 'scheduled'),
    consultation('c4', 'd1', '2026-01-25', 'scheduled'),
    statusChange('c3', 'd3', 'completed', '2026-01-20T12:00:00Z'),
    statusChange('c4', 'd1', 'cancelled', '2026-01-24T08:00:00Z'),
    scan('s1', '2026-01-06T10:00:00Z'),
    scan('s2', '2026-01-02T10:00:00Z'), // uploaded later, taken earlier
    log.event(
      'PredictionRecorded',
      {
        scanId: 's1',
        predictionId: 'a',
        result: 'positive',
        stage: 4,
        confidence: 0.9,
        modelVersion: 'v1',
        patientId: 'p1',
      },
      { streamId: 'scan-s1', occurredAt: '2026-01-07T10:00:00Z' },
    ),
    log.event(
      'PredictionRecorded',
      { scanId: 's2', predictionId: 'b', result: 'inconclusive', confidence: 0.4, modelVersion: 'v1', patientId: 'p1' },
      { streamId: 'scan-s2', occurredAt: '2026-01-08T10:00:00Z' },
    ),
    log.event(
      'ReportGenerated',
      { reportId: 'r1', reportUri: 'blob://r1', patientId: 'p1', reportType: 'summary' },
      { streamId: 'report-r1', occurredAt: '2026-01-09T10:00:00Z' },
    ),
    log.event(
      'ReportGenerated',
      { reportId: 'r2', reportUri: 'blob://r2', patientId: 'p1', reportType: 'summary' },
      { streamId: 'report-r2', occurredAt: '2026-01-10T10:00:00Z' },
    ),
    log.event(
      'SymptomLogged',
      {
        patientId: 'p1',
        symptomId: 'headache',
        severity: 3,
        loggedAt: '2026-01-11T10:00:00Z',
        reporterType: 'self',
        logId: 'l1',
      },
      { streamId: 'tracker-p1', occurredAt: '2026-01-11T10:00:00Z' },
    ),
    log.event(
      'SymptomLogged',
      {
        patientId: 'p1',
        symptomId: 'headache',
        severity: 1,
        loggedAt: '2026-01-10T22:00:00Z',
        reporterType: 'self',
        logId: 'l2',
      },
      { streamId: 'tracker-p1', occurredAt: '2026-01-10T22:00:00Z' },
    ),
    log.event(
      'SessionCompleted',
      {
        sessionId: 'x1',
        endTime: '2026-01-12T11:00:00Z',
        kpis: {},
        playerId: 'p1',
        startTime: '2026-01-12T10:00:00Z',
        durationSeconds: 3600,
      },
      { streamId: 'session-x1', occurredAt: '2026-01-12T11:00:00Z' },
    ),
    log.event(
      'DoctorAssigned',
      { patientId: 'p1', doctorId: 'd2', assignmentType: 'specialist' },
      { streamId: 'patient-p1', occurredAt: '2026-01-26T10:00:00Z' },
    ),
  ];
}

const expectedP1 = {
  patient_id: 'p1',
  total_consultations: 3, // c1, c2, c3 (scheduled, then completed); c4 cancelled
  total_scans: 2,
  total_predictions: 2,
  total_reports: 2,
  unique_doctors: 3, // d1 (assignment, consultations), d2, d3; d2's later assignment adds none
  first_visit_date: '2026-01-03T12:00:00+00:00',
  last_visit_date: '2026-01-20T00:00:00+00:00',
  last_scan_date: '2026-01-06T10:00:00+00:00',
  last_report_date: '2026-01-10T10:00:00+00:00',
  parkinsons_status: 'inconclusive',
  parkinsons_stage: null,
  total_symptom_logs: 2,
  total_sessions: 1,
  updated_at: '2026-01-26T10:00:00+00:00',
};

describe('patient_statistics projection', () => {
  it('gives every registered patient a row of zeros', async () => {
    const t = await harness.fresh(patientStatisticsProjection);
    await t.apply(history().slice(0, 2));
    expect(await t.rows('patient_statistics', 'patient_id')).toEqual([
      { patient_id: 'p1', ...zeros, updated_at: '2026-01-01T09:00:00+00:00' },
      { patient_id: 'p2', ...zeros, updated_at: '2026-01-01T09:30:00+00:00' },
    ]);
  });

  it('counts completed consultations, scans, predictions, reports, logs, sessions and distinct doctors', async () => {
    const t = await harness.fresh(patientStatisticsProjection);
    await t.apply(history());
    expect(await t.rows('patient_statistics', 'patient_id')).toEqual([
      expectedP1,
      { patient_id: 'p2', ...zeros, updated_at: '2026-01-01T09:30:00+00:00' },
    ]);
  });

  it('counts a scheduled visit only once it is completed, never when cancelled or missed, across batches', async () => {
    const log = new EventLog();
    const events = [
      log.event(
        'PatientRegistered',
        { patientId: 'p1', firstName: 'A', lastName: 'B' },
        { streamId: 'patient-p1', occurredAt: '2026-03-01T00:00:00Z' },
      ),
      log.event(
        'ConsultationRecorded',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'telemedicine',
          consultationDate: '2026-03-05',
          status: 'scheduled',
        },
        { streamId: 'consultation-c1', occurredAt: '2026-03-05T00:00:00Z' },
      ),
      log.event(
        'ConsultationRecorded',
        {
          consultationId: 'c2',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'follow_up',
          consultationDate: '2026-03-09',
          status: 'scheduled',
        },
        { streamId: 'consultation-c2', occurredAt: '2026-03-09T00:00:00Z' },
      ),
      log.event(
        'ConsultationStatusChanged',
        { consultationId: 'c2', status: 'completed', previousStatus: 'scheduled', patientId: 'p1', doctorId: 'd1' },
        { streamId: 'consultation-c2', occurredAt: '2026-03-09T09:00:00Z' },
      ),
      log.event(
        'ConsultationStatusChanged',
        { consultationId: 'c1', status: 'no_show', previousStatus: 'scheduled', patientId: 'p1', doctorId: 'd1' },
        { streamId: 'consultation-c1', occurredAt: '2026-03-10T09:00:00Z' },
      ),
    ];
    const t = await harness.fresh(patientStatisticsProjection);
    await t.apply(events.slice(0, 3));
    const visits = `SELECT total_consultations, to_jsonb(first_visit_date) #>> '{}' AS first, to_jsonb(last_visit_date) #>> '{}' AS last, unique_doctors FROM patient_statistics`;
    expect(await t.query(visits)).toEqual([{ total_consultations: 0, first: null, last: null, unique_doctors: 1 }]);
    await t.apply(events.slice(3, 4));
    expect(await t.query(visits)).toEqual([
      {
        total_consultations: 1,
        first: '2026-03-09T00:00:00+00:00',
        last: '2026-03-09T00:00:00+00:00',
        unique_doctors: 1,
      },
    ]);
    await t.apply(events.slice(4));
    expect(await t.query(visits)).toEqual([
      {
        total_consultations: 1,
        first: '2026-03-09T00:00:00+00:00',
        last: '2026-03-09T00:00:00+00:00',
        unique_doctors: 1,
      },
    ]);
  });

  it('shows the result and stage of the prediction recorded last', async () => {
    const log = new EventLog();
    const prediction = (id: string, result: EventData<'PredictionRecorded'>['result'], stage?: number) =>
      log.event(
        'PredictionRecorded',
        {
          scanId: 's1',
          predictionId: id,
          result,
          ...(stage === undefined ? {} : { stage }),
          confidence: 0.8,
          modelVersion: 'v3',
          patientId: 'p1',
        },
        { streamId: 'scan-s1' },
      );
    const t = await harness.fresh(patientStatisticsProjection);
    await t.apply([prediction('a', 'negative'), prediction('b', 'positive', 2)]);
    expect(
      await t.query('SELECT parkinsons_status, parkinsons_stage, total_predictions FROM patient_statistics'),
    ).toEqual([{ parkinsons_status: 'positive', parkinsons_stage: 2, total_predictions: 2 }]);
    await t.apply([prediction('c', 'negative')]);
    expect(
      await t.query('SELECT parkinsons_status, parkinsons_stage, total_predictions FROM patient_statistics'),
    ).toEqual([{ parkinsons_status: 'negative', parkinsons_stage: null, total_predictions: 3 }]);
  });

  it('counts events about a patient it never saw registered in a row of their own', async () => {
    const log = new EventLog();
    const t = await harness.fresh(patientStatisticsProjection);
    await t.apply([
      log.event(
        'SessionCompleted',
        {
          sessionId: 'x9',
          endTime: '2026-04-01T11:00:00Z',
          kpis: {},
          playerId: 'ghost',
          startTime: '2026-04-01T10:00:00Z',
          durationSeconds: 3600,
        },
        { streamId: 'session-x9', occurredAt: '2026-04-01T11:00:00Z' },
      ),
    ]);
    expect(await t.rows('patient_statistics', 'patient_id')).toEqual([
      { patient_id: 'ghost', ...zeros, total_sessions: 1, updated_at: '2026-04-01T11:00:00+00:00' },
    ]);
  });

  it('gives the same rows in batches of one, of four and in one batch', async () => {
    const events = history();
    const results = [];
    for (const size of [1, 4, events.length]) {
      const t = await harness.fresh(patientStatisticsProjection);
      await t.apply(events, size);
      results.push({
        stats: await t.rows('patient_statistics', 'patient_id'),
        consultations: await t.rows('patient_statistics_consultations', 'consultation_id'),
        doctors: await t.query('SELECT * FROM patient_statistics_doctors ORDER BY patient_id, doctor_id'),
      });
    }
    expect(results[0]!.stats[0]).toEqual(expectedP1);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
