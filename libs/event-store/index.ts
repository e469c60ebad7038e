export * from './event-store.js';
export * from './errors.js';
export * from './position.js';
export * from './integrity.js';
export { canonicalJson, eventHash } from './integrity-hash.js';
export { appendEach } from './append-each.js';
