import YAML from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../shared/errors.js';
import { validationErrorFromZod } from '../shared/command.js';
import { SYMPTOM_KEY_PATTERN } from './tracker.commands.js';

/** Triage levels, lowest first. */
export const triageLevels = ['green', 'amber', 'red_flag'] as const;
export type TriageLevel = (typeof triageLevels)[number];

const severity = () => z.int().min(0).max(6);
const snakeKey = () => z.string().regex(SYMPTOM_KEY_PATTERN, 'must be a snake_case key');

/** The shape of `triage_map.yaml`. */
export const TriageMapFileSchema = z
  .object({
    window_hours: z
      .number()
      .positive()
      .max(24 * 366)
      .default(24),
    symptoms: z
      .record(snakeKey(), z.object({ level: z.enum(triageLevels), min_severity: severity().optional() }).strict())
      .refine((symptoms) => Object.keys(symptoms).length > 0, 'must list at least one symptom'),
  })
  .strict();

/** The shape of `stages.yaml`. */
export const StagesFileSchema = z
  .object({
    stages: z
      .array(snakeKey())
      .min(1)
      .refine((stages) => new Set(stages).size === stages.length, 'stage names must be unique'),
    min_hours_per_stage: z.number().min(0),
    symptom_free_max_severity: severity(),
    regress_at_severity: severity(),
  })
  .strict()
  .refine((file) => file.symptom_free_max_severity < file.regress_at_severity, {
    path: ['regress_at_severity'],
    message: 'must be greater than symptom_free_max_severity',
  });

/** One symptom's rule: its level, and the severity below which it counts as green. */
export type SymptomTriage = { level: TriageLevel; minSeverity?: number };
/** The parsed triage map. */
export type TriageMap = { windowHours: number; symptoms: Readonly<Record<string, SymptomTriage>> };
/** The parsed return-to-sport stages. */
export type StagesConfig = {
  stages: readonly string[];
  minHoursPerStage: number;
  symptomFreeMaxSeverity: number;
  regressAtSeverity: number;
};

/**
 * Parses `triage_map.yaml`; a bad file throws ValidationError with the path of each bad field.
 *
 * @example parseTriageMap(readFileSync(path, 'utf8')).symptoms.neck_pain // { level: 'red_flag' }
 */
export function parseTriageMap(text: string): TriageMap {
  const file = parseYaml(text, TriageMapFileSchema, 'triage_map.yaml');
  const symptoms = Object.fromEntries(
    Object.entries(file.symptoms).map(([key, rule]) => [
      key,
      rule.min_severity === undefined ? { level: rule.level } : { level: rule.level, minSeverity: rule.min_severity },
    ]),
  );
  return { windowHours: file.window_hours, symptoms };
}

/**
 * Parses `stages.yaml`; a bad file throws ValidationError with the path of each bad field.
 *
 * @example parseStagesConfig(text).stages[0] // 'symptom_limited_activity'
 */
export function parseStagesConfig(text: string): StagesConfig {
  const file = parseYaml(text, StagesFileSchema, 'stages.yaml');
  return {
    stages: file.stages,
    minHoursPerStage: file.min_hours_per_stage,
    symptomFreeMaxSeverity: file.symptom_free_max_severity,
    regressAtSeverity: file.regress_at_severity,
  };
}

/**
 * The level one log counts for: `green` at severity 0, below the symptom's `min_severity`,
 * or for a symptom the map no longer lists.
 */
export function triageLevelOf(map: TriageMap, symptomId: string, severity: number): TriageLevel {
  const rule = Object.hasOwn(map.symptoms, symptomId) ? map.symptoms[symptomId] : undefined;
  if (rule === undefined || severity <= 0 || severity < (rule.minSeverity ?? 0)) return 'green';
  return rule.level;
}

/** The higher of two triage levels. */
export function maxTriageLevel(a: TriageLevel, b: TriageLevel): TriageLevel {
  return triageLevels.indexOf(a) >= triageLevels.indexOf(b) ? a : b;
}

/** The `isKnownSymptom` a LogSymptom handler passes to the tracker decider. */
export function symptomCatalog(map: TriageMap): (symptomId: string) => boolean {
  return (symptomId) => Object.hasOwn(map.symptoms, symptomId);
}

function parseYaml<T>(text: string, schema: z.ZodType<T>, file: string): T {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    const message = error instanceof YAML.YAMLError ? error.message : String(error);
    throw new ValidationError(`${file} is not valid YAML`, [{ path: '', message }]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ValidationError(`${file} is invalid`, validationErrorFromZod(result.error).errors);
  return result.data;
}
