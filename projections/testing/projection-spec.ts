import { afterAll } from '@jest/globals';
import { projectionHarness } from '../../libs/projection-engine/testing/projection-harness.js';

export { EventLog, type ErasableData, type ProjectedOf } from '../../libs/projection-engine/testing/event-log.js';
export { defaultProjectionContext, rowsAfterErasure } from '../../libs/projection-engine/testing/projection-harness.js';

/**
 * What every projection spec starts with: a harness on an in-memory PGlite, closed after the
 * spec file's tests. One per spec file.
 *
 * @example
 * const harness = specHarness();
 * const t = await harness.fresh(patientsProjection);
 */
export function specHarness(): ReturnType<typeof projectionHarness> {
  const harness = projectionHarness();
  afterAll(() => harness.close());
  return harness;
}
