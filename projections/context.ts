import type { StagesConfig, TriageMap } from '../libs/domain/tracker/tracker-config.js';

/**
 * The configuration the projections read (projections/config/*.yaml, parsed by the domain),
 * declared into the engine's `ProjectionContext`: the engine passes it through without knowing
 * a rule, and its keys (`ConfigKey`) name what goes into a projection's fingerprint.
 */
declare module '../libs/projection-engine/projection.js' {
  interface ProjectionContext {
    /** triage_map.yaml: symptom ids and red flags */
    triageMap: TriageMap;
    /** stages.yaml: the return-to-play stage machine */
    stages: StagesConfig;
  }
}
