export * from './projection.js';
export * from './rows.js';
export * from './runner.js';
export * from './progress.js';
export * from './fingerprint.js';
export { ENGINE_SCHEMA, LIVE_SCHEMA } from './engine-schema.js';
export { inSchema } from './apply-in-schema.js';
