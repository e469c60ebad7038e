import type { ProjectionHealth } from './projection-health.js';

/** Injection token of a {@link ProjectionHealthSource}. */
export const PROJECTION_HEALTH = Symbol('PROJECTION_HEALTH');

/** Samples every projection's health now (see `projectionHealth`). */
export type ProjectionHealthSource = () => Promise<ProjectionHealth[]>;
