import type { CaretrackEvent, CaretrackEventType } from '../libs/domain/events.js';
import type { Erasable } from '../libs/projection-engine/projection.js';

/**
 * The events of the types `T` as a projection receives them: typed by `type`, each personal
 * field `null` once its subject was erased.
 *
 * @example type SessionsEvent = HandledEvent<(typeof sessionsEventTypes)[number]>;
 */
export type HandledEvent<T extends CaretrackEventType> = Erasable<Extract<CaretrackEvent, { type: T }>>;

/**
 * The event types a projection handles, checked against the domain's and kept as literals, so
 * that `HandledEvent` derives the projection's event union from the one list.
 *
 * @example export const sessionsEventTypes = handledEventTypes(['SessionStarted', 'PatientErased']);
 */
export function handledEventTypes<const T extends readonly CaretrackEventType[]>(types: T): T {
  return types;
}
