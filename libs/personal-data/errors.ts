/**
 * The typed errors of personal data. None carries a personal field's value, a key or a
 * ciphertext: only ids, event types and key ids, so they are safe in logs and problems.
 */
export abstract class PersonalDataError extends Error {
  abstract readonly code: string;
}

/** 409 `patient_erased`: personal data sent for a patient whose data key was destroyed. */
export class PatientErasedError extends PersonalDataError {
  readonly code = 'patient_erased';
  constructor(readonly subjectId: string) {
    super(`patient ${subjectId} was erased: personal data for them is no longer accepted`);
    this.name = 'PatientErasedError';
  }
}

/** Why an event's personal fields could not be opened. */
export type UndecryptableReason =
  /** the authentication tag failed: tampered, moved from another event, or another key */
  | 'authentication_failed'
  /** the subject has no data key at all (neither live nor erased): a key store that lost rows */
  | 'no_data_key'
  /** the stored form is not one this code reads */
  | 'malformed';

/**
 * An event's encrypted personal fields cannot be opened. It is reported (the event id and the
 * reason), never served: no view shows the event's fields as if nothing happened.
 */
export class UndecryptableEventError extends PersonalDataError {
  readonly code = 'personal_data_undecryptable';
  constructor(
    readonly eventId: string,
    readonly reason: UndecryptableReason,
  ) {
    super(`the personal fields of event ${eventId} cannot be decrypted (${reason.replaceAll('_', ' ')})`);
    this.name = 'UndecryptableEventError';
  }
}

/** An event type missing from the catalogue: a programming error (a new event not classified). */
export class UncataloguedEventError extends PersonalDataError {
  readonly code = 'event_type_not_catalogued';
  constructor(readonly eventType: string) {
    super(`event type ${eventType} is not in the personal field catalogue (libs/personal-data/personal-fields.ts)`);
    this.name = 'UncataloguedEventError';
  }
}

/** The master key given at start is not the one the key store was made with. */
export class WrongMasterKeyError extends PersonalDataError {
  readonly code = 'wrong_master_key';
  constructor(
    readonly schema: string,
    readonly storeKeyId: string,
    readonly givenKeyId: string,
    origin: string,
  ) {
    super(
      `the master key from ${origin} (id ${givenKeyId}) does not open the key store in schema ${schema}, ` +
        `which was made with master key id ${storeKeyId}. Start with the master key the store uses ` +
        `(DATA_KEY or DATA_KEY_FILE), or re-wrap the store with "caretrack keys rotate".`,
    );
    this.name = 'WrongMasterKeyError';
  }
}

/** 503: the master key was rotated under a running process; it must restart with the new key. */
export class MasterKeyRotatedError extends PersonalDataError {
  readonly code = 'master_key_rotated';
  constructor(
    readonly storeKeyId: string,
    readonly processKeyId: string,
  ) {
    super(
      `the key store's master key is now ${storeKeyId}, this process holds ${processKeyId}: restart it with the new master key`,
    );
    this.name = 'MasterKeyRotatedError';
  }
}

/** A master key setting (DATA_KEY, DATA_KEY_FILE, the generated file) that cannot be used. */
export class MasterKeyConfigError extends PersonalDataError {
  readonly code = 'master_key_config';
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'MasterKeyConfigError';
  }
}

/** A wrapped key that the right master key cannot open: the key store's row was altered. */
export class KeyStoreCorruptError extends PersonalDataError {
  readonly code = 'key_store_corrupt';
  constructor(readonly owner: string) {
    super(`the wrapped key of ${owner} does not open under the master key that wrapped it: the key store was altered`);
    this.name = 'KeyStoreCorruptError';
  }
}
