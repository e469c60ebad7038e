import { EventLog } from '../testing/projection-spec.js';

/** A patient's history touching every timeline event type (specs only). */
export function timelineHistory(log = new EventLog()) {
  return [
    log.event(
      'PatientRegistered',
      {
        patientId: 'p1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        sportType: 'rugby',
        teamId: 't1',
        position: 'wing',
        jerseyNumber: 11,
      },
      { streamId: 'patient-p1', occurredAt: '2026-01-01T09:00:00Z' },
    ),
    log.event(
      'DoctorAssigned',
      { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' },
      { streamId: 'patient-p1', occurredAt: '2026-01-01T09:05:00Z' },
    ),
    log.event(
      'ConsultationRecorded',
      {
        consultationId: 'c1',
        patientId: 'p1',
        doctorId: 'd1',
        consultationType: 'in_person',
        consultationDate: '2026-01-02',
        status: 'completed',
        chiefComplaint: 'headache',
        diagnosis: 'concussion',
      },
      { streamId: 'consultation-c1', occurredAt: '2026-01-02T00:00:00Z' },
    ),
    log.event(
      'ConsultationRecorded',
      {
        consultationId: 'c2',
        patientId: 'p1',
        doctorId: 'd2',
        consultationType: 'emergency',
        consultationDate: '2026-01-10T15:00:00Z',
        status: 'scheduled',
      },
      { streamId: 'consultation-c2', occurredAt: '2026-01-10T15:00:00Z' },
    ),
    log.event(
      'ConsultationStatusChanged',
      {
        consultationId: 'c2',
        status: 'no_show',
        reason: 'did not come',
        previousStatus: 'scheduled',
        patientId: 'p1',
        doctorId: 'd2',
      },
      { streamId: 'consultation-c2', occurredAt: '2026-01-10T16:00:00Z' },
    ),
    log.event(
      'ScanUploaded',
      {
        scanId: 's1',
        patientId: 'p1',
        doctorId: 'd1',
        modality: 'MRI',
        bodyRegion: 'brain',
        fileUri: 'blob://s1',
        sha256: 'a'.repeat(64),
        sizeBytes: 1024,
        takenAt: '2026-01-03T10:00:00Z',
      },
      { streamId: 'scan-s1', occurredAt: '2026-01-03T10:00:00Z' },
    ),
    log.event(
      'PredictionRecorded',
      {
        scanId: 's1',
        predictionId: 'pr1',
        result: 'positive',
        stage: 3,
        confidence: 0.87,
        modelVersion: 'v2',
        patientId: 'p1',
      },
      { streamId: 'scan-s1', occurredAt: '2026-01-03T11:00:00Z' },
    ),
    log.event(
      'ReportRequested',
      { reportId: 'r1', patientId: 'p1', reportType: 'mri_summary', priority: 3 },
      { streamId: 'report-r1', occurredAt: '2026-01-03T12:00:00Z' },
    ),
    log.event(
      'ReportGenerationStarted',
      { reportId: 'r1', patientId: 'p1', reportType: 'mri_summary', retryCount: 0 },
      { streamId: 'report-r1', occurredAt: '2026-01-03T12:01:00Z' },
    ),
    log.event(
      'ReportGenerationFailed',
      { reportId: 'r1', errorMessage: 'renderer timed out', patientId: 'p1', reportType: 'mri_summary', retryCount: 1 },
      { streamId: 'report-r1', occurredAt: '2026-01-03T12:02:00Z' },
    ),
    log.event(
      'ReportGenerated',
      { reportId: 'r1', reportUri: 'blob://r1.pdf', patientId: 'p1', reportType: 'mri_summary' },
      { streamId: 'report-r1', occurredAt: '2026-01-03T12:10:00Z' },
    ),
    log.event(
      'SymptomLogged',
      {
        patientId: 'p1',
        symptomId: 'neck_pain',
        severity: 2,
        loggedAt: '2026-01-04T08:00:00Z',
        reporterType: 'coach',
        incidentContext: 'game',
        logId: 'l1',
      },
      { streamId: 'tracker-p1', occurredAt: '2026-01-04T08:00:00Z' },
    ),
    log.event(
      'SessionStarted',
      { sessionId: 'x1', playerId: 'p1', sessionType: 'training', startTime: '2026-01-05T10:00:00Z' },
      { streamId: 'session-x1', occurredAt: '2026-01-05T10:00:00Z' },
    ),
    log.event(
      'SessionCompleted',
      {
        sessionId: 'x1',
        endTime: '2026-01-05T11:30:00Z',
        kpis: {},
        playerId: 'p1',
        startTime: '2026-01-05T10:00:00Z',
        durationSeconds: 5400,
      },
      { streamId: 'session-x1', occurredAt: '2026-01-05T11:30:00Z' },
    ),
  ];
}

/** A symptom log event (specs only). */
export function symptomLog(
  log: EventLog,
  patientId: string,
  logId: string,
  symptomId: string,
  severity: number,
  loggedAt: string,
) {
  return log.event(
    'SymptomLogged',
    { patientId, symptomId, severity, loggedAt, reporterType: 'self', logId },
    { streamId: `tracker-${patientId}`, occurredAt: loggedAt },
  );
}
