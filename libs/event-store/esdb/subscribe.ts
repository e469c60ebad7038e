import { START, eventTypeFilter, type AllStreamResolvedEvent, type AllStreamSubscription } from '@eventstore/db-client';
import { EventStoreUnavailable } from '../errors.js';
import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.js';
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

  async function* run(): AsyncGenerator<StoredEvent> {
    let last: FromPosition = options.fromPosition ?? 'start';
    let checkpoint: Position | null = null;
    let attempt = 0;
    try {
      while (!closed) {
        const resumeAfter: FromPosition = checkpoint !== null && (last === 'start' || checkpoint > last) ? checkpoint : last;
        const subscription = deps.client.subscribeToAll({
          fromPosition: resumeAfter === 'start' ? START : unpackPosition(resumeAfter),
          filter: eventTypeFilter({
            regex,
            maxSearchWindow: deps.checkpointEvery ?? 500,
            checkpointInterval: 1,
            // Only when nothing before the checkpoint still waits in the stream's buffer.
            checkpointReached: (sub, position) => {
              if (sub.readableLength === 0) checkpoint = packPosition(position);
            },
          }),
        });
        current = subscription;
        try {
          for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
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

/** Cancels the gRPC call and ends the stream, so an iteration waiting on it finishes. */
async function release(subscription: AllStreamSubscription): Promise<void> {
  await subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}
