import { BACKWARDS, END } from '@eventstore/db-client';
import { appendEach, assertWellFormedAppend } from '../append-each.js';
import type { EventStore, Subscription } from '../event-store.js';
import { appendEvents } from './append.js';
import { EsdbClient } from './client.js';
import { translateErrors } from './errors.js';
import { NON_SYSTEM_TYPES } from './events.js';
import { countEventsAfter, readAllEvents, readDecisionState, readHeadPosition, readStreamEvents } from './read.js';
import { subscribeToAll, subscribeWithCheckpoints } from './subscribe.js';

export type EsdbEventStoreOptions = {
  /** `esdb://host:2113?tls=false`, `esdb+discover://…`: the client's connection string */
  connectionString: string;
  logger?: { warn(obj: object, msg: string): void };
};

/**
 * The event log in EventStoreDB, over `@eventstore/db-client`. Positions are ESDB's full
 * $all positions packed into one number (`(commit << 64) | prepare`, see `esdb-position.ts`);
 * readAll, counts and subscriptions filter by event type on the server and never return
 * system events. Pings the server before returning (throws `EventStoreUnavailable`).
 *
 * @example
 * const store = await createEsdbEventStore({ connectionString: 'esdb://localhost:2113?tls=false' });
 * await store.appendToStream('patient-p1', [{ type: 'PatientRegistered', data }], { expectedRevision: 'no_stream' });
 * await store.close();
 */
export async function createEsdbEventStore(options: EsdbEventStoreOptions): Promise<EventStore> {
  const client = EsdbClient.fromConnectionString(options.connectionString);
  const subscriptions = new Set<Subscription<unknown>>();
  /** Keeps open subscriptions (close() ends them) until they end. */
  function track<T>(
    make: (deps: { client: EsdbClient; logger: EsdbEventStoreOptions['logger']; onEnd: () => void }) => Subscription<T>,
  ): Subscription<T> {
    const subscription: Subscription<T> = make({
      client,
      logger: options.logger,
      onEnd: () => subscriptions.delete(subscription),
    });
    subscriptions.add(subscription);
    return subscription;
  }

  const store: EventStore = {
    appendToStream: (stream, events, append = {}) =>
      appendEvents(client, stream, events, append.expectedRevision ?? 'any'),
    // EventStoreDB commits each append on its own: different streams' appends go side by side.
    appendToStreams: async (appends) => {
      for (const a of appends) assertWellFormedAppend(a.stream, a.events);
      return appendEach(appends, (a) => appendEvents(client, a.stream, a.events, a.expectedRevision ?? 'any'));
    },
    readStream: (stream, read) => translateErrors(() => readStreamEvents(client, stream, read), { stream }),
    readForDecision: (stream, read) => translateErrors(() => readDecisionState(client, stream, read), { stream }),
    readAll: (read) => translateErrors(() => readAllEvents(client, read)),
    countEvents: (count) => translateErrors(() => countEventsAfter(client, count)),
    headPosition: () => translateErrors(() => readHeadPosition(client)),
    subscribeToAll: (subscribe) => track((deps) => subscribeToAll(deps, subscribe)),
    subscribeToAllWithCheckpoints: (subscribe) => track((deps) => subscribeWithCheckpoints(deps, subscribe)),
    ping: () =>
      translateErrors(async () => {
        await client.readAllFiltered({
          direction: BACKWARDS,
          fromPosition: END,
          maxCount: 1,
          eventTypeRegex: NON_SYSTEM_TYPES,
          deadline: 5000,
        });
      }),
    close: async () => {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await client.dispose();
    },
  };

  try {
    await store.ping();
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return store;
}
