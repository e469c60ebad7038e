/** Injection tokens for what bootstrap builds outside Nest and hands in. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const LOGGER = Symbol('LOGGER');
