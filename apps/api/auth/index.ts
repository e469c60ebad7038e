/** Keys, roles and the guard: everything the rest of the API needs from auth. */
export { ApiKeyConfigError } from './api-key-config-error.js';
export {
  loadKeyRing,
  MIN_KEY_LENGTH,
  parseApiKeys,
  parseApiKeysFile,
  type KeySource,
  type LoadedKeyRing,
} from './api-keys.js';
export {
  AuthGuard,
  Roles,
  RolesFrom,
  ROLES_METADATA,
  ROLES_RESOLVER_METADATA,
  type RolesResolver,
} from './auth.guard.js';
export { AuthModule, KEY_RING } from './auth.module.js';
export { formatGeneratedKeys, GENERATED_KEYS_FILE, loadOrGenerateKeys, type GeneratedKey } from './generated-keys.js';
export { hashKey, keyIdOf, KeyRing, type KeyHash } from './key-ring.js';
export { Principal } from './principal.js';
export {
  ADMIN_ROLES,
  ANY_ROLE,
  AUDIT_ROLES,
  COMMAND_ROLES,
  isRole,
  METRICS_ROLES,
  QUERY_ROLES,
  ROLES,
  type Role,
} from './roles.js';
