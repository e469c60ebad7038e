/** Injection tokens for what bootstrap builds outside Nest and hands in. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const LOGGER = Symbol('LOGGER');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** `(symptomId) => boolean`: the keys of triage_map.yaml */
export const SYMPTOM_CATALOG = Symbol('SYMPTOM_CATALOG');
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const READ_MODELS = Symbol('READ_MODELS');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export const PROJECTION_ADMIN = Symbol('PROJECTION_ADMIN');
export const ACCESS_LOG = Symbol('ACCESS_LOG');
/** The tracker rules the projections read (ProjectionContext). */
export const PROJECTION_CONTEXT = Symbol('PROJECTION_CONTEXT');
/** The key store of personal data (SPEC §9): data keys, the export pseudonym key. */
export const KEY_STORE = Symbol('KEY_STORE');
/** The `CommandExecutor` (read, decide, append, retry) every command goes through. */
export const COMMAND_EXECUTOR = Symbol('COMMAND_EXECUTOR');
