import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { toStatisticsSource } from './statistics-events.js';
import { doctorPair, foldConsultation, foldCounters, type CounterRow } from './statistics-fold.js';

const log = new EventLog();

const empty: CounterRow = {
  patient_id: 'p1',
  total_scans: 0,
  total_predictions: 0,
  total_reports: 0,
  last_scan_date: null,
  last_report_date: null,
  parkinsons_status: null,
  parkinsons_stage: null,
  total_symptom_logs: 0,
  total_sessions: 0,
  updated_at: '2026-01-01T00:00:00Z',
};

describe('foldCounters', () => {
  it('creates a row of zeros from the registration', () => {
    expect(
      foldCounters(
        undefined,
        toStatisticsSource(
          log.projected(
            'PatientRegistered',
            { patientId: 'p1', firstName: 'A', lastName: 'B' },
            { occurredAt: '2026-01-01T00:00:00Z' },
          ),
        ),
      ),
    ).toEqual(empty);
  });

  it('keeps the latest scan date when a scan taken earlier is uploaded later, yet moves updated_at', () => {
    const scan = (takenAt: string) =>
      toStatisticsSource(
        log.projected(
          'ScanUploaded',
          {
            scanId: takenAt,
            patientId: 'p1',
            modality: 'MRI',
            fileUri: 'f',
            sha256: 'a'.repeat(64),
            sizeBytes: 1,
            takenAt,
          },
          { occurredAt: takenAt },
        ),
      );
    const row = [scan('2026-02-05T10:00:00+02:00'), scan('2026-02-01T10:00:00Z')].reduce(foldCounters, empty);
    expect(row).toEqual({
      ...empty,
      total_scans: 2,
      last_scan_date: '2026-02-05T10:00:00+02:00',
      updated_at: '2026-02-01T10:00:00Z',
    });
  });

  it('takes status and stage from the last prediction; counts reports, logs and sessions of the player', () => {
    const events = [
      toStatisticsSource(
        log.projected(
          'PredictionRecorded',
          {
            scanId: 's',
            predictionId: 'a',
            result: 'positive',
            stage: 5,
            confidence: 1,
            modelVersion: 'v',
            patientId: 'p1',
          },
          { occurredAt: '2026-02-01T00:00:00Z' },
        ),
      ),
      toStatisticsSource(
        log.projected(
          'PredictionRecorded',
          { scanId: 's', predictionId: 'b', result: 'negative', confidence: 1, modelVersion: 'v', patientId: 'p1' },
          { occurredAt: '2026-02-02T00:00:00Z' },
        ),
      ),
      toStatisticsSource(
        log.projected(
          'ReportGenerated',
          { reportId: 'r', reportUri: 'u', patientId: 'p1', reportType: 't' },
          { occurredAt: '2026-02-03T00:00:00Z' },
        ),
      ),
      toStatisticsSource(
        log.projected(
          'SymptomLogged',
          {
            patientId: 'p1',
            symptomId: 'fatigue_or_low_energy',
            severity: 2,
            loggedAt: '2026-02-04T00:00:00Z',
            reporterType: 'self',
            logId: 'l',
          },
          { occurredAt: '2026-02-04T00:00:00Z' },
        ),
      ),
      toStatisticsSource(
        log.projected(
          'SessionCompleted',
          {
            sessionId: 'x',
            endTime: '2026-02-05T00:00:00Z',
            kpis: {},
            playerId: 'p1',
            startTime: '2026-02-04T23:00:00Z',
            durationSeconds: 3600,
          },
          { occurredAt: '2026-02-05T00:00:00Z' },
        ),
      ),
    ];
    expect(events.reduce(foldCounters, empty)).toEqual({
      ...empty,
      total_predictions: 2,
      parkinsons_status: 'negative',
      parkinsons_stage: null,
      total_reports: 1,
      last_report_date: '2026-02-03T00:00:00Z',
      total_symptom_logs: 1,
      total_sessions: 1,
      updated_at: '2026-02-05T00:00:00Z',
    });
  });
});

describe('foldConsultation', () => {
  it('remembers the date as an instant and follows the current status', () => {
    const recorded = toStatisticsSource(
      log.projected(
        'ConsultationRecorded',
        {
          consultationId: 'c',
          patientId: 'p1',
          doctorId: 'd',
          consultationType: 'in_person',
          consultationDate: '2026-03-01',
          status: 'scheduled',
        },
        { occurredAt: '2026-03-01T00:00:00Z' },
      ),
    );
    const cancelled = toStatisticsSource(
      log.projected(
        'ConsultationStatusChanged',
        { consultationId: 'c', status: 'cancelled', previousStatus: 'scheduled', patientId: 'p1', doctorId: 'd' },
        { occurredAt: '2026-02-28T00:00:00Z' },
      ),
    );
    expect(foldConsultation(foldConsultation(undefined, recorded), cancelled)).toEqual({
      consultation_id: 'c',
      patient_id: 'p1',
      doctor_id: 'd',
      consultation_date: '2026-03-01T00:00:00.000Z',
      status: 'cancelled',
    });
    expect(foldConsultation(undefined, cancelled)).toEqual({
      consultation_id: 'c',
      patient_id: 'p1',
      doctor_id: 'd',
      consultation_date: null,
      status: 'cancelled',
    });
    expect(doctorPair(cancelled)).toEqual({ patient_id: 'p1', doctor_id: 'd' });
  });
});
