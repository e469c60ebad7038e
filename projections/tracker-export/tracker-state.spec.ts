import { describe, expect, it } from '@jest/globals';
import { defaultProjectionContext } from '../testing/projection-spec.js';
import { applyProfile, emptyTrackerRow, type TrackerExportEvent } from './tracker-row.js';
import { noLogsState, trackerState, type TrackerLog } from './tracker-state.js';

const { triageMap, stages } = defaultProjectionContext();

function log(
  logId: string,
  symptomId: string,
  severity: number,
  loggedAt: string,
  extra: Partial<TrackerLog> = {},
): TrackerLog {
  return {
    log_id: logId,
    event_id: `e-${logId}`,
    symptom_id: symptomId,
    severity,
    logged_at: loggedAt,
    reporter_type: 'self',
    incident_context: null,
    ...extra,
  };
}

describe('trackerState', () => {
  it('is no stage and green without logs', () => {
    expect(trackerState([], triageMap, stages)).toEqual(noLogsState);
    expect(noLogsState).toEqual({
      current_stage: null,
      last_updated: null,
      triage_level: 'green',
      incident_context: null,
      reporter_type: null,
    });
  });

  it('sorts the logs itself: latest loggedAt, its reporter and context, window ending there', () => {
    const logs = [
      log('late', 'headache', 0, '2026-01-02T12:00:00Z', { reporter_type: 'parent', incident_context: 'other' }),
      log('early', 'seizure', 2, '2026-01-01T11:59:59Z', { reporter_type: 'coach', incident_context: 'game' }),
      log('mid', 'dizziness', 3, '2026-01-02T13:00:00+02:00'), // 11:00Z
    ];
    expect(trackerState(logs, triageMap, stages)).toEqual({
      current_stage: 'symptom_limited_activity',
      last_updated: '2026-01-02T12:00:00Z',
      triage_level: 'amber',
      incident_context: 'other',
      reporter_type: 'parent',
    });
  });

  it('takes the last of logs at the same instant as the latest', () => {
    const logs = [
      log('a', 'headache', 0, '2026-01-01T00:00:00Z', { reporter_type: 'coach' }),
      log('b', 'headache', 0, '2026-01-01T00:00:00Z'),
    ];
    expect(trackerState(logs, triageMap, stages).reporter_type).toBe('self');
  });
});

describe('applyProfile', () => {
  const registered = (data: Record<string, unknown>) =>
    ({
      type: 'PatientRegistered',
      data: { patientId: 'p1', firstName: 'A', lastName: 'B', ...data },
    }) as TrackerExportEvent;
  const updated = (data: Record<string, unknown>) =>
    ({ type: 'PatientProfileUpdated', data: { patientId: 'p1', ...data } }) as TrackerExportEvent;

  it('sets the profile at registration, null when absent', () => {
    expect(applyProfile({ ...emptyTrackerRow('p1'), team_id: 'old' }, registered({ ageGroup: 'U12' }))).toEqual({
      ...emptyTrackerRow('p1'),
      age_group: 'U12',
    });
  });

  it('changes only the fields an update carries and leaves tracker columns alone', () => {
    const before = {
      ...emptyTrackerRow('p1'),
      current_stage: 'return_to_sport',
      age_group: 'U12',
      sport_type: 'judo',
      team_id: 't1',
    };
    expect(applyProfile(before, updated({ sportType: 'rowing', lastName: 'C' }))).toEqual({
      ...before,
      sport_type: 'rowing',
    });
  });

  it('ignores a symptom log', () => {
    const before = emptyTrackerRow('p1');
    const event = {
      type: 'SymptomLogged',
      data: {
        patientId: 'p1',
        symptomId: 'headache',
        severity: 6,
        loggedAt: '2026-01-01T00:00:00Z',
        logId: 'l',
        reporterType: 'self',
      },
    } as TrackerExportEvent;
    expect(applyProfile(before, event)).toBe(before);
  });
});
