import type { KeyObject } from 'node:crypto';
import type { EventToAppend } from '../../../libs/event-store/index.js';
import {
  encryptEventWithKey,
  personalFieldsOf,
  sealingSubjectOf,
  subjectOfEvent,
  type DataKeys,
} from '../../../libs/personal-data/index.js';
import type { ImportedAppend } from './append-imported.js';

/** The data keys the import seals with: `KeyStore`, which also creates many keys in one transaction. */
export type SealingKeys = DataKeys & {
  keysForWrite(subjectIds: readonly string[]): Promise<ReadonlyMap<string, KeyObject>>;
};

/** True when the event carries a personal field (SPEC §9) that must be encrypted. */
function carriesPersonalData(event: EventToAppend): boolean {
  const spec = personalFieldsOf(event.type);
  return spec !== undefined && spec.fields.some((field) => event.data[field] !== undefined);
}

/**
 * The first erased patient some of `events` carry personal data of, or null: such a row is
 * refused as the command path refuses it (409 `patient_erased`); an event without personal
 * fields (a symptom log, KPIs) is still a fact the statistics keep.
 *
 * @example erasedSubjectOf(events, (id) => id === 'p7') // 'p7' when one of them is p7's ConsultationRecorded
 */
export function erasedSubjectOf(
  events: readonly EventToAppend[],
  isErased: (patientId: string) => boolean,
): string | null {
  for (const event of events) {
    if (!carriesPersonalData(event)) continue;
    const subject = subjectOfEvent({ id: event.id ?? '', type: event.type, data: event.data });
    if (subject !== null && isErased(subject)) return subject;
  }
  return null;
}

/**
 * The wave with every personal field encrypted under its patient's data key (created on first
 * use), exactly as the command path stores them (`encryptEvent`, the event id as associated
 * data). The keys a wave needs are fetched first, the missing ones created together in one
 * transaction (`keysForWrite`; one per new patient cost ~2 s of a 100,000-row import); then
 * every event is sealed synchronously with its key (`encryptEventWithKey`): no await per event,
 * and a small loop the engine compiles again cheaply when a table brings new event shapes.
 * Ciphertext differs on every run (a fresh IV), so a rerun recognises its events by id only.
 *
 * @throws {PatientErasedError} a patient erased while the import ran (the rows were decided before)
 */
export async function sealWave(wave: readonly ImportedAppend[], keys: SealingKeys): Promise<ImportedAppend[]> {
  const subjects = new Set<string>();
  for (const append of wave)
    for (const event of append.events) {
      const subject = personalSubjectOf(event);
      if (subject !== null) subjects.add(subject);
    }
  if (subjects.size === 0) return [...wave];
  const keyOf = new Map(await keys.keysForWrite([...subjects]));
  for (const subject of subjects) if (!keyOf.has(subject)) keyOf.set(subject, await keys.keyForWrite(subject));
  return wave.map((append) => sealAppend(append, keyOf));
}

/** The subject whose key seals the event, or null when it carries no personal field (nor a catalogued type). */
function personalSubjectOf(event: EventToAppend): string | null {
  return carriesPersonalData(event)
    ? sealingSubjectOf({ id: event.id ?? '', type: event.type, data: event.data })
    : null;
}

function sealAppend(append: ImportedAppend, keyOf: ReadonlyMap<string, KeyObject>): ImportedAppend {
  let events: EventToAppend[] | null = null;
  for (let i = 0; i < append.events.length; i++) {
    const event = append.events[i]!;
    const subject = personalSubjectOf(event);
    if (subject === null) continue;
    events ??= [...append.events];
    const sealed = encryptEventWithKey({ id: event.id!, type: event.type, data: event.data }, keyOf.get(subject)!);
    events[i] = { ...event, data: sealed.data };
  }
  return events === null ? append : { ...append, events };
}

/**
 * Seals waves one after another, in the order they are handed over, whatever is in flight: two
 * sealings creating the same new patients' data keys at once insert them in different orders,
 * and PostgreSQL ends one of them as a deadlock (seen on the benchmark's imports). A wave's
 * sealing starts once the previous one has settled (succeeded or failed: a failed wave is never
 * appended, and the appender stops at it).
 *
 * @example const sealer = new SerialSealer(keys); const sealed = await sealer.seal(wave);
 */
export class SerialSealer {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly keys: SealingKeys) {}

  seal(wave: readonly ImportedAppend[]): Promise<ImportedAppend[]> {
    const sealing = this.last.then(
      () => sealWave(wave, this.keys),
      () => sealWave(wave, this.keys),
    );
    this.last = sealing.catch(() => undefined);
    return sealing;
  }
}
