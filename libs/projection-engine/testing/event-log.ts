import { randomUUID } from 'node:crypto';
import type { CaretrackEvent, CaretrackEventType, EventData } from '../../domain/events.js';
import type { JsonObject, StoredEvent } from '../../event-store/index.js';
import type { Erasable } from '../../personal-data/personal-fields.js';
import { openedPlaintext } from '../open-events.js';
import { toProjectedEvent, type ProjectedEvent } from '../projection.js';

/** The domain event of type `T`: `EventOf<'ScanUploaded'>`. */
export type EventOf<T extends CaretrackEventType> = Extract<CaretrackEvent, { type: T }>;

/** The data of event type `T` as a projection receives it: each personal field may be `null` (erased). */
export type ErasableData<T extends CaretrackEventType> = ErasableEvents[T]['data'];

/** Each event type's event as a projection receives it (personal fields `null` once erased). */
type ErasableEvents = { [E in CaretrackEvent as E['type']]: Erasable<E> };

/**
 * The event of type `T` as a projection receives it (personal fields `null` once erased).
 * An indexed access, so that a helper generic over a projection's types (`T extends
 * TimelineEvent['type']`) returns what that projection accepts.
 */
export type ProjectedOf<T extends CaretrackEventType> = ProjectedEvent<ErasableEvents[T]>;

/** Where and when a built event sits; each has a default. */
export type EventOptions = {
  /** default `test-{type}` */
  streamId?: string;
  /** business time; default one minute after the previous event, from 2026-01-01 */
  occurredAt?: string;
  /** default the service key `key000000000` */
  actor?: { id: string; role: string };
};

/**
 * Builds stored events with increasing positions: the "given" of a projection spec. The
 * builders are typed by the domain's event union, so a misspelt type or field, or a field of
 * the wrong type, fails the type check.
 */
export class EventLog {
  private position = 0n;
  private readonly revisions = new Map<string, bigint>();

  /**
   * A stored event as the domain writes it (personal fields in plaintext, never `null`).
   *
   * @example log.event('PatientRegistered', { patientId: 'p1', firstName: 'Ada', lastName: 'L' },
   *   { streamId: 'patient-p1', occurredAt: '2026-01-01T10:00:00Z' })
   */
  event<T extends CaretrackEventType>(type: T, data: EventData<T>, options: EventOptions = {}): StoredEvent {
    return this.stored(type, data, options);
  }

  /**
   * An event as a projection receives it (specs of pure folds); its personal fields may be
   * given as `null`, as they read once the subject is erased.
   *
   * @example foldPatient(undefined, log.projected('PatientRegistered', { patientId: 'p1', firstName: 'A', lastName: 'B' }))
   */
  projected<T extends CaretrackEventType>(type: T, data: ErasableData<T>, options: EventOptions = {}): ProjectedOf<T> {
    return toProjectedEvent(openedPlaintext(this.stored(type, data, options)));
  }

  private stored(type: string, data: JsonObject, options: EventOptions): StoredEvent {
    const streamId = options.streamId ?? `test-${type}`;
    const revision = (this.revisions.get(streamId) ?? -1n) + 1n;
    this.revisions.set(streamId, revision);
    this.position += 1n;
    const occurredAt =
      options.occurredAt ?? new Date(Date.UTC(2026, 0, 1) + Number(this.position) * 60_000).toISOString();
    return {
      id: randomUUID(),
      type,
      data,
      metadata: {
        actor: options.actor ?? { id: 'key000000000', role: 'service' },
        correlationId: randomUUID(),
        causationId: randomUUID(),
        commandName: 'Test',
        occurredAt,
        schemaVersion: 1,
      },
      streamId,
      revision,
      position: this.position,
      recordedAt: new Date(occurredAt),
    };
  }
}
