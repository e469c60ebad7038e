import { describe, expect, it } from '@jest/globals';
import { defaultProjectionContext } from '../testing/projection-spec.js';
import { stageChangedRows } from './stage-rows.js';

const { stages } = defaultProjectionContext();
const log = (n: number, severity: number, loggedAt: string) => ({
  eventId: `e${n}`,
  logId: `l${n}`,
  severity,
  loggedAt,
});

describe('stageChangedRows', () => {
  it('adds no row for the first log: entering stage 1 is not a change', () => {
    expect(stageChangedRows('p1', [log(1, 6, '2026-01-01T00:00:00Z')], stages)).toEqual([]);
  });

  it('dates each change at the log that caused it, with the derived id and the direction', () => {
    const logs = [
      log(1, 3, '2026-01-01T00:00:00Z'),
      log(2, 0, '2026-01-02T00:00:00Z'),
      log(3, 4, '2026-01-02T06:00:00Z'),
    ];
    expect(stageChangedRows('p1', logs, stages)).toEqual([
      {
        event_id: 'e2:stage',
        patient_id: 'p1',
        event_date: '2026-01-02T00:00:00Z',
        event_type: 'stage_changed',
        title: 'Stage changed: light aerobic exercise',
        description: 'Moved up from symptom limited activity (stage 1) to light aerobic exercise (stage 2)',
        description_erased: 'Moved up from symptom limited activity (stage 1) to light aerobic exercise (stage 2)',
        severity: 'info',
        source_type: 'symptom_log',
        source_id: 'l2',
        doctor_id: null,
      },
      {
        event_id: 'e3:stage',
        patient_id: 'p1',
        event_date: '2026-01-02T06:00:00Z',
        event_type: 'stage_changed',
        title: 'Stage changed: symptom limited activity',
        description: 'Moved back from light aerobic exercise (stage 2) to symptom limited activity (stage 1)',
        description_erased: 'Moved back from light aerobic exercise (stage 2) to symptom limited activity (stage 1)',
        severity: 'medium',
        source_type: 'symptom_log',
        source_id: 'l3',
        doctor_id: null,
      },
    ]);
  });

  it('follows the stages it is given', () => {
    const rules = { stages: ['rest', 'play'], minHoursPerStage: 0, symptomFreeMaxSeverity: 0, regressAtSeverity: 1 };
    const rows = stageChangedRows(
      'p1',
      [log(1, 0, '2026-01-01T00:00:00Z'), log(2, 0, '2026-01-01T00:00:01Z'), log(3, 0, '2026-01-01T00:00:02Z')],
      rules,
    );
    expect(rows.map((r) => r.title)).toEqual(['Stage changed: play']);
  });
});
