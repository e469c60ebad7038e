import type { KeyObject } from 'node:crypto';
import type { DataKeys } from './data-keys.js';
import { UncataloguedEventError, UndecryptableEventError } from './errors.js';
import {
  ENCRYPTED_FIELD,
  openPersonalFields,
  presentPersonalFields,
  sealPersonalFields,
  type EventFields,
  type JsonObject,
  type KeyState,
} from './field-cipher.js';
import { personalFieldsOf, type PersonalFieldSpec } from './personal-fields.js';

/**
 * Encrypts an event's personal fields under its subject's data key (created on first use),
 * before the event is appended. The event id must be final: it is the associated data. An
 * event without personal fields touches no key, so facts about an erased patient (a symptom
 * log, KPIs) are still accepted.
 *
 * @example
 * const stored = await encryptEvent({ id: randomUUID(), type: 'ScanUploaded', data }, keyStore);
 * await store.appendToStream(`scan-${data.scanId}`, [{ ...stored, metadata }]);
 * @throws {PatientErasedError} personal data for an erased patient (409 `patient_erased`)
 * @throws {UncataloguedEventError} an event type the catalogue does not classify
 */
export async function encryptEvent<E extends EventFields>(event: E, keys: DataKeys): Promise<E> {
  const subject = sealingSubjectOf(event);
  return subject === null ? event : encryptEventWithKey(event, await keys.keyForWrite(subject));
}

/**
 * Whose data key `encryptEvent` seals the event with, or `null` when it carries no personal
 * field (it is stored as it is). A batch writer (the import) gathers these, fetches the keys in
 * one `keysForWrite`, then seals each event with `encryptEventWithKey`: the same result.
 *
 * @throws {UncataloguedEventError} an event type the catalogue does not classify
 */
export function sealingSubjectOf(event: EventFields): string | null {
  const spec = specOf(event.type);
  if (ENCRYPTED_FIELD in event.data) throw new Error(`event ${event.id} is already encrypted`);
  if (presentPersonalFields(spec, event.data).length === 0) return null;
  const subject = spec.subject === null ? undefined : event.data[spec.subject];
  if (typeof subject !== 'string' || subject === '')
    throw new Error(`event ${event.id} (${event.type}) names no ${spec.subject ?? 'subject'}`);
  return subject;
}

/** `encryptEvent` with the data key of the event's `sealingSubjectOf` at hand: synchronous. */
export function encryptEventWithKey<E extends EventFields>(event: E, key: KeyObject): E {
  return { ...event, data: sealPersonalFields(event, specOf(event.type), key) };
}

/**
 * Decrypts a batch of stored events with one key lookup: each personal field is restored, or
 * `null` when its subject was erased. Events of types without personal fields pass unchanged,
 * and so do events of a type the catalogue does not know unless they carry ciphertext.
 *
 * @example
 * const views = await decryptEvents(await store.readStream('patient-p1'), keyStore);
 * @throws {UndecryptableEventError} a ciphertext that does not open (tampered, moved, wrong or missing key)
 */
export async function decryptEvents<E extends EventFields>(events: readonly E[], keys: DataKeys): Promise<E[]> {
  const subjects = new Set<string>();
  for (const event of events) {
    const spec = readSpecOf(event);
    if (spec) subjects.add(subjectOf(event, spec));
  }
  const states = subjects.size > 0 ? await keys.keysForRead([...subjects]) : new Map<string, KeyState>();
  return events.map((event) => {
    const spec = readSpecOf(event);
    if (!spec) return event;
    const data: JsonObject = openPersonalFields(event, spec, states.get(subjectOf(event, spec)));
    return data === event.data ? event : { ...event, data };
  });
}

/** {@link decryptEvents} for one event. */
export async function decryptEvent<E extends EventFields>(event: E, keys: DataKeys): Promise<E> {
  const [decrypted] = await decryptEvents([event], keys);
  return decrypted ?? event;
}

/**
 * The event as it reads once its subject is erased: every personal field of its type `null`,
 * no ciphertext. Pure, no key. A projection whose rows derive text from personal fields (the
 * timeline's descriptions) can keep this variant beside each row and switch to it on
 * `PatientErased`, so live rows and a rebuild after the erasure agree.
 *
 * @example withPersonalFieldsErased(scanUploaded).data.fileUri // null
 */
export function withPersonalFieldsErased<E extends EventFields>(event: E): E {
  const spec = personalFieldsOf(event.type);
  if (!spec || spec.fields.length === 0) return event;
  return { ...event, data: openPersonalFields(event, spec, { state: 'erased' }) };
}

/**
 * The data subject of an event (`patientId`, or `playerId` of sessions), or `null` for events
 * about no patient (doctors).
 */
export function subjectOfEvent(event: EventFields): string | null {
  const spec = specOf(event.type);
  return spec.subject === null ? null : subjectOf(event, spec);
}

/** The entry to decrypt an event with; `null` when there is nothing to decrypt. */
function readSpecOf(event: EventFields): PersonalFieldSpec | null {
  const spec = personalFieldsOf(event.type);
  if (spec && spec.fields.length > 0) return spec;
  if (ENCRYPTED_FIELD in event.data) throw new UndecryptableEventError(event.id, 'malformed');
  return null;
}

function specOf(type: string): PersonalFieldSpec {
  const spec = personalFieldsOf(type);
  if (!spec) throw new UncataloguedEventError(type);
  return spec;
}

function subjectOf(event: EventFields, spec: PersonalFieldSpec): string {
  const subject = spec.subject === null ? undefined : event.data[spec.subject];
  if (typeof subject !== 'string' || subject === '') throw new UndecryptableEventError(event.id, 'malformed');
  return subject;
}
