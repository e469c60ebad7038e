import { defineProjection, type EventShape, type Projection } from '../../libs/projection-engine/projection.js';
import { decimal, defineTable, integer, text } from '../../libs/projection-engine/table.js';

type Counted = EventShape & { data: { poison?: boolean } };

/**
 * A projection for engine tests: one row per applied event (a strict insert keyed by the event
 * id, so an event applied twice fails loudly) and a per-stream counter. `failOn` makes it throw
 * on events whose data has `poison: true` while the flag is set.
 */
export function countingProjection(
  name: string,
  eventTypes: readonly string[],
  failOn: { poison: boolean } = { poison: false },
): Projection {
  const applied = defineTable(
    `${name}_applied`,
    { event_id: text(), stream_id: text(), position: decimal() },
    { primaryKey: ['event_id'] },
  );
  const counts = defineTable(`${name}_counts`, { stream_id: text(), n: integer() }, { primaryKey: ['stream_id'] });
  return defineProjection<Counted>({
    name,
    version: 1,
    eventTypes,
    tables: [applied, counts],
    async apply(events, io) {
      if (failOn.poison && events.some((e) => e.data.poison === true)) throw new Error('poisoned event');
      io.insert(
        applied,
        events.map((e) => ({ event_id: e.id, stream_id: e.streamId, position: e.position.toString() })),
        'strict',
      );
      const current = await io.load(
        counts,
        events.map((e) => e.streamId),
      );
      const next = new Map<string, number>();
      for (const e of events) next.set(e.streamId, (next.get(e.streamId) ?? current.get(e.streamId)?.n ?? 0) + 1);
      io.put(
        counts,
        [...next].map(([stream_id, n]) => ({ stream_id, n })),
      );
    },
  });
}
