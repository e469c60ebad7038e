import { describe, expect, it } from '@jest/globals';
import { defaultProjectionContext, EventLog, type ErasableData } from '../testing/projection-spec.js';
import { timelineEntry } from './timeline-entry.js';
import { toTimelineSource, type TimelineEvent } from './timeline-events.js';

const { triageMap } = defaultProjectionContext();
const log = new EventLog();
const entry = <T extends TimelineEvent['type']>(
  type: T,
  data: ErasableData<T>,
  scanDoctor: (id: string) => string | null = () => null,
) => {
  const event = log.projected(type, data, { occurredAt: '2026-05-01T10:00:00+02:00' });
  return { event, row: timelineEntry(toTimelineSource(event), { triageMap, scanDoctor }) };
};

describe('timelineEntry', () => {
  it('keys the row by the event id and dates it at occurredAt', () => {
    const { event, row } = entry('ReportRequested', {
      reportId: 'r',
      patientId: 'p1',
      reportType: 'summary',
      priority: 1,
    });
    expect(row).toEqual({
      event_id: event.id,
      patient_id: 'p1',
      event_date: '2026-05-01T10:00:00+02:00',
      event_type: 'report_requested',
      title: 'Report requested: summary',
      description: 'Report r (summary) requested with priority 1',
      description_erased: 'Report r (summary) requested with priority 1',
      severity: 'info',
      source_type: 'report',
      source_id: 'r',
      doctor_id: null,
    });
  });

  it('rates a prediction by result and stage and gives it the scan’s doctor', () => {
    const { row } = entry(
      'PredictionRecorded',
      {
        scanId: 's9',
        predictionId: 'q',
        result: 'positive',
        stage: 5,
        confidence: 0.995,
        modelVersion: 'v4',
        patientId: 'p1',
      },
      (id) => (id === 's9' ? 'd9' : null),
    );
    expect(row).toMatchObject({
      event_type: 'prediction_made',
      title: 'Prediction: positive (stage 5)',
      severity: 'critical',
      doctor_id: 'd9',
      description: 'Model v4 on scan s9: positive (stage 5), confidence 100%',
    });
  });

  it('puts a session on its player’s timeline', () => {
    const { row } = entry('SessionCompleted', {
      sessionId: 'x',
      endTime: '2026-05-01T10:00:00+02:00',
      kpis: {},
      playerId: 'p7',
      startTime: '2026-05-01T09:15:00+02:00',
      durationSeconds: 2700,
    });
    expect(row).toMatchObject({
      patient_id: 'p7',
      event_type: 'session_completed',
      description: 'Session x completed after 45 min',
      source_type: 'session',
      source_id: 'x',
    });
  });

  it('marks an amber symptom below its min_severity low, and names the reporter', () => {
    const { row } = entry('SymptomLogged', {
      patientId: 'p1',
      symptomId: 'dont_feel_right',
      severity: 2,
      loggedAt: '2026-05-01T10:00:00+02:00',
      reporterType: 'parent',
      logId: 'k',
    });
    expect(row).toMatchObject({
      title: 'Symptom logged: dont feel right',
      description: 'Dont feel right at severity 2/6, reported by parent',
      severity: 'low',
      source_id: 'k',
    });
  });
});
