import { START, eventTypeFilter, type AllStreamResolvedEvent, type AllStreamSubscription } from '@eventstore/db-client';
import { EventStoreUnavailable } from '../errors.js';
import type { StoredEvent, SubscribeOptions, Subscription, SubscriptionCheckpoint } from '../event-store.js';
import type { FromPosition, Position } from '../position.js';
import type { EsdbClient } from './client.js';
import { isKnownPosition, packPosition, unpackPosition } from './esdb-position.js';
import { PositionUnavailable, translateError } from './errors.js';
import { eventTypeRegex, fromAll } from './events.js';

export type SubscriptionDeps = {
  client: EsdbClient;
  logger?: { warn(obj: object, msg: string): void };
  /** events the server scans between two checkpoints of a filtered subscription; default 500 */
  checkpointEvery?: number;
  /** called once when the subscription ends, however it ends */
  onEnd?: () => void;
};

/**
 * A catch-up-then-live subscription to $all over the client's filtered `subscribeToAll`
 * (server-side event-type filter, system events excluded). The client's subscription is a
 * Node stream read through its async iterator, so the server is read only as fast as the
 * consumer takes events (HTTP/2 flow control; the stream buffers at most its high-water mark).
 *
 * When the connection drops it resubscribes, with backoff, strictly after the last event it
 * delivered, or after the server's last checkpoint when that is further on and every event
 * before the checkpoint has already been taken (so a sparse filter does not rescan the log).
 */
export function subscribeToAll(deps: SubscriptionDeps, options: SubscribeOptions = {}): Subscription {
  return subscribeWithCheckpoints(deps, options, false) as Subscription;
}

/**
 * `subscribeToAll` that also yields the server's checkpoints, in order: one is yielded only
 * once every event before it has been yielded (nothing left in the stream's buffer), while
 * the stream is otherwise idle.
 */
export function subscribeWithCheckpoints(
  deps: SubscriptionDeps,
  options: SubscribeOptions = {},
  yieldCheckpoints = true,
): Subscription<StoredEvent | SubscriptionCheckpoint> {
  const regex = eventTypeRegex(options.eventTypes);
  let closed = false;
  let current: AllStreamSubscription | null = null;
  let interruptPause: () => void = () => undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    deps.onEnd?.();
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      interruptPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // A checkpoint that arrives while the consumer is busy is latched, not lost.
  let checkpointLatched = false;
  let checkpointSignal: () => void = () => undefined;

  async function* run(): AsyncGenerator<StoredEvent | SubscriptionCheckpoint> {
    let last: FromPosition = options.fromPosition ?? 'start';
    let checkpoint: Position | null = null;
    let reported: Position | null = null;
    let attempt = 0;
    try {
      while (!closed) {
        const resumeAfter: FromPosition =
          checkpoint !== null && (last === 'start' || checkpoint > last) ? checkpoint : last;
        const subscription = deps.client.subscribeToAll({
          fromPosition: resumeAfter === 'start' ? START : unpackPosition(resumeAfter),
          filter: eventTypeFilter({
            regex,
            maxSearchWindow: deps.checkpointEvery ?? 500,
            checkpointInterval: 1,
            // Only when nothing before the checkpoint still waits in the stream's buffer. A
            // checkpoint that is not a known position is skipped: KurrentDB 24.10.0–24.10.4 and
            // 25.0.0 (KDB-744) end a filtered catch-up with (2^64−1, 2^64−1), which taken as a
            // position would put the consumer past every later event.
            checkpointReached: (sub, position) => {
              const { commit, prepare } = position;
              if (!isKnownPosition(position)) {
                deps.logger?.warn(
                  { commit: String(commit), prepare: String(prepare) },
                  'EventStoreDB sent an impossible checkpoint (KDB-744); ignored',
                );
                return;
              }
              if (sub.readableLength === 0) {
                checkpoint = packPosition(position);
                checkpointLatched = true;
                checkpointSignal();
              }
            },
          }),
        });
        current = subscription;
        try {
          for await (const resolved of withCheckpoints(subscription as AsyncIterable<AllStreamResolvedEvent>)) {
            if (resolved === CHECKPOINT) {
              const at = checkpoint;
              if (
                yieldCheckpoints &&
                at !== null &&
                (last === 'start' || at > last) &&
                (reported === null || at > reported)
              ) {
                reported = at;
                yield { checkpoint: at };
              }
              continue;
            }
            attempt = 0;
            const event = resolved.event;
            if (!event) continue;
            if (!isKnownPosition(event.position)) throw new PositionUnavailable(event.streamId, event.revision);
            const position = packPosition(event.position);
            if (last !== 'start' && position <= last) continue;
            last = position;
            const stored = fromAll(resolved);
            if (stored) yield stored;
            if (closed) return;
          }
          if (closed) return;
          deps.logger?.warn({ attempt }, 'EventStoreDB ended the subscription; resubscribing');
        } catch (error) {
          if (closed) return;
          const translated = translateError(error);
          if (!(translated instanceof EventStoreUnavailable)) throw translated;
          deps.logger?.warn({ err: String(error), attempt }, 'subscription lost EventStoreDB; resubscribing');
        } finally {
          current = null;
          await release(subscription);
        }
        await pause(Math.min(2000, 50 * 2 ** attempt++));
      }
    } finally {
      end();
    }
  }

  /** The stream's events, with a CHECKPOINT item whenever a checkpoint arrives while it waits. */
  async function* withCheckpoints(
    stream: AsyncIterable<AllStreamResolvedEvent>,
  ): AsyncGenerator<AllStreamResolvedEvent | typeof CHECKPOINT> {
    const it = stream[Symbol.asyncIterator]();
    let pending = it.next();
    for (;;) {
      const signalled = new Promise<typeof CHECKPOINT>((resolve) => {
        checkpointSignal = () => resolve(CHECKPOINT);
        if (checkpointLatched) resolve(CHECKPOINT);
      });
      const next = await Promise.race([pending, signalled]);
      if (next === CHECKPOINT) {
        checkpointLatched = false;
        yield CHECKPOINT;
        continue;
      }
      if (next.done) return;
      pending = it.next();
      yield next.value;
    }
  }

  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      interruptPause();
      if (current) await release(current);
      end();
    },
  };
}

const CHECKPOINT = Symbol('checkpoint');

/** Cancels the gRPC call and ends the stream, so an iteration waiting on it finishes. */
async function release(subscription: AllStreamSubscription): Promise<void> {
  await subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}
