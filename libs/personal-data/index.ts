/**
 * Personal data (SPEC §9): per-patient data keys in PostgreSQL wrapped by a master key, field
 * encryption of events, erasure by destroying the key, master-key rotation, export pseudonyms.
 * Knows no HTTP and no projection; imports only libs/read-store.
 */
export {
  personalFieldCatalogue,
  personalFieldsOf,
  type CataloguedEventType,
  type Erasable,
  type PersonalFieldOf,
  type PersonalFieldSpec,
} from './personal-fields.js';
export {
  ENCRYPTED_FIELD,
  openPersonalFields,
  sealPersonalFields,
  type EventFields,
  type JsonObject,
  type KeyState,
} from './field-cipher.js';
export {
  decryptEvent,
  decryptEvents,
  encryptEvent,
  encryptEventWithKey,
  sealingSubjectOf,
  subjectOfEvent,
  withPersonalFieldsErased,
} from './encrypt-event.js';
export type { DataKeys } from './data-keys.js';
export { KeyStore, type Erasure, type KeyStoreOptions, type Listen } from './key-store.js';
export { KEY_STORE_SCHEMA, migrateKeyStore } from './key-store.schema.js';
export { KeyCache, type KeyCacheOptions } from './key-cache.js';
export { MASTER_KEY_FORMAT, MasterKey } from './master-key.js';
export {
  GENERATED_MASTER_KEY_FILE,
  PENDING_MASTER_KEY_FILE,
  installPendingKey,
  loadMasterKey,
  publishKeyFile,
  readMasterKeyFile,
  type LoadedMasterKey,
  type MasterKeySettings,
  type PendingMasterKey,
} from './master-key-source.js';
export { rotateMasterKey, type Rotation } from './rotate.js';
export { EXPORT_PSEUDONYM_SECRET, pseudonym } from './pseudonym.js';
export * from './errors.js';
