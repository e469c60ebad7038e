import { WrongExpectedVersion, type EventStore } from '../../../libs/event-store/index.js';
import type { AppMetrics } from './app-metrics.js';

/**
 * The event store with every `appendToStream` timed into `caretrack_append_duration_seconds`
 * (result `ok`, `wrong_expected_version` or `error`). Everything else passes through untouched,
 * including methods the port may gain later, so the decorator never hides a capability.
 *
 * @example
 * { provide: EVENT_STORE, useValue: timedAppends(infrastructure.eventStore, metrics) }
 */
export function timedAppends(store: EventStore, metrics: Pick<AppMetrics, 'appendDuration'>): EventStore {
  const appendToStream: EventStore['appendToStream'] = async (stream, events, options) => {
    const stop = metrics.appendDuration.startTimer();
    try {
      const result = await store.appendToStream(stream, events, options);
      stop({ result: 'ok' });
      return result;
    } catch (error) {
      stop({ result: error instanceof WrongExpectedVersion ? 'wrong_expected_version' : 'error' });
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') return appendToStream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
