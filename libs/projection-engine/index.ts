export * from './projection.js';
export * from './rows.js';
export * from './runner.js';
export * from './read-your-writes.js';
export * from './status.js';
export * from './fingerprint.js';
export { ENGINE_SCHEMA, LIVE_SCHEMA } from './engine-schema.js';
export { inSchema } from './apply-in-schema.js';
export { ProjectionAdmin, type ProjectionAdminOptions } from './rebuild/projection-admin.js';
export type { RebuildHooks } from './rebuild/rebuild.js';
export type { VerifyReport } from './rebuild/verify.js';
export type { RollbackResult } from './rebuild/rollback.js';
export { LostTurn, NoPreviousTables, ProjectionEngineError, RebuildInProgress, UnknownProjection } from './errors.js';
export type { RebuildProgress } from './rebuild/rebuild-state.js';
export type { TableDifference } from './rebuild/compare.js';
export { withScratchReplay } from './rebuild/scratch-replay.js';
export {
  keyStoreOpener,
  plaintextOpener,
  type EngineDataKeys,
  type EventOpener,
  type OpenedEvent,
} from './open-events.js';
export { describeFault } from './fault.js';
