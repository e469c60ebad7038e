import { rejectedPaths } from '../shared/test-schema.js';
import { LogSymptomSchema } from './tracker.commands.js';

describe('LogSymptom schema', () => {
  const valid = { patientId: 'p1', symptomId: 'headache', severity: 0, loggedAt: '2025-06-01T11:00:00.250Z' };

  it('accepts severities 0-6', () => {
    expect(rejectedPaths(LogSymptomSchema, valid)).toEqual([]);
    expect(rejectedPaths(LogSymptomSchema, { ...valid, severity: 6 })).toEqual([]);
  });

  it('rejects a severity above 6 or fractional, a timestamp without offset and unknown enums', () => {
    expect(
      rejectedPaths(LogSymptomSchema, {
        ...valid,
        severity: 7,
        loggedAt: '2025-06-01 11:00',
        reporterType: 'teacher',
        incidentContext: 'school',
      }),
    ).toEqual(['severity', 'loggedAt', 'reporterType', 'incidentContext']);
    expect(rejectedPaths(LogSymptomSchema, { ...valid, severity: 2.5 })).toEqual(['severity']);
  });
});
