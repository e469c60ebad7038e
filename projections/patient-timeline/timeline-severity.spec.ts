import { describe, expect, it } from '@jest/globals';
import { defaultProjectionContext } from '../testing/projection-spec.js';
import { parseTriageMap } from '../../libs/domain/tracker/tracker-config.js';
import {
  consultationSeverity,
  predictionSeverity,
  stageChangeSeverity,
  statusChangeSeverity,
  symptomSeverity,
} from './timeline-severity.js';

const { triageMap } = defaultProjectionContext();

describe('timeline severity', () => {
  it('maps a prediction: negative info, inconclusive low, positive by Hoehn–Yahr stage', () => {
    expect(predictionSeverity('negative', undefined)).toBe('info');
    expect(predictionSeverity('inconclusive', undefined)).toBe('low');
    expect([0, 1, 2, 3, 4, 5].map((stage) => predictionSeverity('positive', stage))).toEqual([
      'medium',
      'medium',
      'medium',
      'high',
      'critical',
      'critical',
    ]);
  });

  it('maps a symptom log by severity: 0–2 low, 3–4 medium, 5–6 high', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => symptomSeverity(triageMap, 'headache', s))).toEqual([
      'low',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });

  it('makes a red-flag symptom critical whenever it is present (severity > 0)', () => {
    expect([0, 1, 3, 6].map((s) => symptomSeverity(triageMap, 'neck_pain', s))).toEqual([
      'low',
      'critical',
      'critical',
      'critical',
    ]);
  });

  it('follows the triage map it is given, not a built-in list', () => {
    const map = parseTriageMap(
      'symptoms:\n  headache: { level: red_flag, min_severity: 4 }\n  neck_pain: { level: amber }\n',
    );
    expect([3, 4].map((s) => symptomSeverity(map, 'headache', s))).toEqual(['medium', 'critical']);
    expect(symptomSeverity(map, 'neck_pain', 6)).toBe('high');
  });

  it('rates the other entries: emergencies high, missed visits low, regressions medium', () => {
    expect(['in_person', 'telemedicine', 'follow_up', 'emergency'].map(consultationSeverity)).toEqual([
      'info',
      'info',
      'info',
      'high',
    ]);
    expect((['completed', 'cancelled', 'no_show'] as const).map(statusChangeSeverity)).toEqual(['info', 'low', 'low']);
    expect([stageChangeSeverity(0, 1), stageChangeSeverity(2, 1)]).toEqual(['info', 'medium']);
  });
});
