import { readFileSync } from 'node:fs';
import { ValidationError } from '../shared/errors.js';
import { parseStagesConfig, parseTriageMap, symptomCatalog, triageLevelOf } from './tracker-config.js';

const shipped = (file: string) => readFileSync(new URL(`../../../projections/config/${file}`, import.meta.url), 'utf8');
const pathsOf = (parse: () => unknown): string[] => {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => e.path);
    throw error;
  }
  throw new Error('expected a ValidationError');
};

const RED_FLAGS = [
  'neck_pain',
  'double_vision',
  'weakness_or_tingling',
  'severe_or_increasing_headache',
  'seizure',
  'loss_of_consciousness',
  'deteriorating_conscious_state',
  'repeated_vomiting',
  'restless_agitated_or_combative',
];
const AMBER = [
  'headache',
  'pressure_in_head',
  'nausea_or_vomiting',
  'dizziness',
  'blurred_vision',
  'balance_problems',
  'sensitivity_to_light',
  'sensitivity_to_noise',
  'feeling_slowed_down',
  'feeling_in_a_fog',
  'dont_feel_right',
  'difficulty_concentrating',
  'difficulty_remembering',
  'fatigue_or_low_energy',
  'confusion',
  'drowsiness',
  'more_emotional',
  'irritability',
  'sadness',
  'nervous_or_anxious',
  'trouble_falling_asleep',
];

describe('shipped triage_map.yaml', () => {
  const map = parseTriageMap(shipped('triage_map.yaml'));

  it('lists the 30 symptoms of SPEC §4 with their levels, and a 24 h window', () => {
    expect(map.windowHours).toBe(24);
    expect(Object.keys(map.symptoms).sort()).toEqual([...RED_FLAGS, ...AMBER].sort());
    for (const key of RED_FLAGS) expect(map.symptoms[key]).toEqual({ level: 'red_flag' });
    for (const key of AMBER) expect(map.symptoms[key]).toEqual({ level: 'amber', minSeverity: 3 });
  });

  it('counts a symptom below its min_severity, or at 0, as green', () => {
    expect(triageLevelOf(map, 'headache', 2)).toBe('green');
    expect(triageLevelOf(map, 'headache', 3)).toBe('amber');
    expect(triageLevelOf(map, 'neck_pain', 1)).toBe('red_flag');
    expect(triageLevelOf(map, 'neck_pain', 0)).toBe('green');
    expect(triageLevelOf(map, 'hiccups', 6)).toBe('green');
  });

  it('knows its symptoms and only them', () => {
    const isKnown = symptomCatalog(map);
    expect([isKnown('seizure'), isKnown('hiccups'), isKnown('constructor')]).toEqual([true, false, false]);
  });
});

describe('shipped stages.yaml', () => {
  it('holds the six stages in order and the three thresholds', () => {
    expect(parseStagesConfig(shipped('stages.yaml'))).toEqual({
      stages: [
        'symptom_limited_activity',
        'light_aerobic_exercise',
        'sport_specific_exercise',
        'non_contact_training',
        'full_contact_practice',
        'return_to_sport',
      ],
      minHoursPerStage: 24,
      symptomFreeMaxSeverity: 1,
      regressAtSeverity: 3,
    });
  });
});

describe('a bad config file', () => {
  it('reports each bad field of a triage map by path', () => {
    const text = 'window_hours: -1\nsymptoms:\n  headache: { level: orange }\n  Bad-Key: { level: amber }\n';
    expect(pathsOf(() => parseTriageMap(text)).sort()).toEqual([
      'symptoms.Bad-Key',
      'symptoms.headache.level',
      'window_hours',
    ]);
  });

  it('reports broken YAML and duplicate keys', () => {
    expect(pathsOf(() => parseTriageMap('symptoms: {headache: [\n'))).toEqual(['']);
    expect(pathsOf(() => parseTriageMap('symptoms:\n  a: { level: amber }\n  a: { level: green }\n'))).toEqual(['']);
  });

  it('reports duplicate stages and thresholds that cross', () => {
    const text = 'stages: [a, a]\nmin_hours_per_stage: 24\nsymptom_free_max_severity: 3\nregress_at_severity: 3\n';
    expect(pathsOf(() => parseStagesConfig(text)).sort()).toEqual(['regress_at_severity', 'stages']);
  });

  it('reports an empty file', () => {
    expect(pathsOf(() => parseStagesConfig(''))).toEqual(['']);
  });
});
