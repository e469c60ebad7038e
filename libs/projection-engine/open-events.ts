import type { StoredEvent } from '../event-store/index.js';
import {
  decryptEvents,
  ENCRYPTED_FIELD,
  personalFieldsOf,
  UndecryptableEventError,
  withPersonalFieldsErased,
  type DataKeys,
} from '../personal-data/index.js';

declare const opened: unique symbol;

/**
 * A stored event as the engine may hand it to a projection: its personal fields decrypted, or
 * `null` when the subject was erased (SPEC §9), and its business time read once
 * (`occurredAt`). It is already the object every projection receives (`toProjectedEvent` only
 * checks it), so a batch allocates one view per event however many projections handle it.
 * `undecryptable` is set on an event whose ciphertext does not open: `toProjectedEvent` refuses
 * it, so the runner's fault path reports it (event id, `personal_data_undecryptable`) and no
 * row is written from it.
 */
export type OpenedEvent = StoredEvent & {
  readonly [opened]: true;
  /** business time (SPEC §3): `metadata.occurredAt`, else the time the log recorded it */
  readonly occurredAt: string;
  readonly undecryptable?: UndecryptableEventError;
};

/** The key store as the engine uses it: batch lookups, and forgetting an erased subject's cached key. */
export type EngineDataKeys = DataKeys & { forget(subjectId: string): void };

/** Opens batches of stored events for the projections: the one place the engine decrypts. */
export interface EventOpener {
  open(events: readonly StoredEvent[]): Promise<OpenedEvent[]>;
}

/**
 * The opener of a running service: one `decryptEvents` per batch (one key lookup). Every
 * `PatientErased` of the batch first drops its subject's cached key (the key row is already
 * gone: ErasePatient destroys it before appending), so no key cached earlier opens an event of
 * that patient; all of the patient's events then read as erased, also those before the erasure,
 * and the end state is the one a replay after the erasure gives.
 *
 * @example const opener = keyStoreOpener(infrastructure.keyStore); await applyBatch(await opener.open(page), options);
 */
export function keyStoreOpener(keys: EngineDataKeys): EventOpener {
  return {
    async open(events) {
      for (const event of events) if (event.type === 'PatientErased') forgetSubject(keys, event);
      try {
        return (await decryptEvents(events, keys)).map((event) => openedView(event));
      } catch (error) {
        if (!(error instanceof UndecryptableEventError)) throw error;
        // One event does not open: find which, one at a time; the others are served as usual.
        const views: OpenedEvent[] = [];
        for (const event of events) views.push(await openOne(event, keys));
        return views;
      }
    },
  };
}

/**
 * The opener of projection specs and engine tests, whose events are plaintext: an event reads as
 * erased when its subject has a `PatientErased` among the events opened so far or in this batch
 * — what the key store gives the live engine. An event carrying ciphertext is undecryptable
 * here (`no_data_key`): this opener has no key.
 */
export function plaintextOpener(): EventOpener {
  const erased = new Set<string>();
  return {
    async open(events) {
      for (const event of events) if (event.type === 'PatientErased') erased.add(String(event.data['patientId']));
      return events.map((event) => {
        if (ENCRYPTED_FIELD in event.data)
          return openedView(event, new UndecryptableEventError(event.id, 'no_data_key'));
        const field = personalFieldsOf(event.type)?.subject;
        const subject = field ? event.data[field] : undefined;
        return openedView(typeof subject === 'string' && erased.has(subject) ? withPersonalFieldsErased(event) : event);
      });
    },
  };
}

/** A plaintext event (a spec's) as an opened one, for pure fold specs that call `toProjectedEvent` directly. */
export function openedPlaintext(event: StoredEvent): OpenedEvent {
  return openedView(event);
}

/**
 * The one object a batch hands every projection for `event`: a fresh view (the store's object
 * is never changed) with `occurredAt` read from the metadata once.
 */
function openedView(event: StoredEvent, undecryptable?: UndecryptableEventError): OpenedEvent {
  const occurredAt = event.metadata['occurredAt'];
  const view: Omit<OpenedEvent, typeof opened> = {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString(),
  };
  if (event.hash !== undefined) view.hash = event.hash;
  if (undecryptable) Object.assign(view, { undecryptable });
  return view as OpenedEvent;
}

async function openOne(event: StoredEvent, keys: DataKeys): Promise<OpenedEvent> {
  try {
    const [view] = await decryptEvents([event], keys);
    return openedView(view ?? event);
  } catch (error) {
    if (!(error instanceof UndecryptableEventError)) throw error;
    // Nothing of the personal fields is kept: the event carries only its clear fields and the error.
    return openedView(withPersonalFieldsErased(event), error);
  }
}

function forgetSubject(keys: EngineDataKeys, event: StoredEvent): void {
  const subject = event.data['patientId'];
  if (typeof subject === 'string') keys.forget(subject);
}
