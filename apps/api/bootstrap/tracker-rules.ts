import { readFile } from 'node:fs/promises';
import {
  parseStagesConfig,
  parseTriageMap,
  symptomCatalog,
  type StagesConfig,
  type TriageMap,
} from '../../../libs/domain/tracker/tracker-config.js';
import { ValidationError } from '../../../libs/domain/shared/errors.js';
import type { AppConfig } from '../config/app-config.js';

/** The tracker's YAML rules, read and validated once at start. */
export type TrackerRules = {
  triageMap: TriageMap;
  stages: StagesConfig;
  /** raw file texts, for fingerprints */
  triageMapText: string;
  stagesText: string;
  isKnownSymptom: (symptomId: string) => boolean;
};

/** Reads TRIAGE_MAP_PATH and STAGES_PATH; a bad file stops the start, naming the file and field. */
export async function loadTrackerRules(config: Pick<AppConfig, 'triageMapPath' | 'stagesPath'>): Promise<TrackerRules> {
  const triageMapText = await readRules(config.triageMapPath);
  const stagesText = await readRules(config.stagesPath);
  const triageMap = parse(config.triageMapPath, () => parseTriageMap(triageMapText));
  const stages = parse(config.stagesPath, () => parseStagesConfig(stagesText));
  return { triageMap, stages, triageMapText, stagesText, isKnownSymptom: symptomCatalog(triageMap) };
}

async function readRules(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read tracker rules ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
}

function parse<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ValidationError) {
      const where = error.errors.map((e) => `${e.path || '(file)'}: ${e.message}`).join('; ');
      throw new Error(`invalid tracker rules in ${path}: ${where || error.message}`, { cause: error });
    }
    throw error;
  }
}
