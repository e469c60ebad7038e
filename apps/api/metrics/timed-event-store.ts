import { WrongExpectedVersion, type EventStore } from '../../../libs/event-store/index.js';
import type { AppMetrics } from './app-metrics.js';

/**
 * The event store with every append timed into `caretrack_append_duration_seconds` (result
 * `ok`, `wrong_expected_version` or `error`): `appendToStream`, and each append of an
 * `appendToStreams` call (all of them share the call's one commit, so each is observed with the
 * call's duration). Everything else passes through untouched,
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
      stop({ result: resultOf(error) });
      throw error;
    }
  };
  const appendToStreams: EventStore['appendToStreams'] = async (appends) => {
    const started = performance.now();
    const outcomes = await store.appendToStreams(appends);
    const seconds = (performance.now() - started) / 1000;
    for (const outcome of outcomes)
      metrics.appendDuration.observe({ result: outcome.ok ? 'ok' : resultOf(outcome.error) }, seconds);
    return outcomes;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') return appendToStream;
      if (property === 'appendToStreams') return appendToStreams;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function resultOf(error: unknown): 'wrong_expected_version' | 'error' {
  return error instanceof WrongExpectedVersion ? 'wrong_expected_version' : 'error';
}
