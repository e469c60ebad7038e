import type { AppendOutcome, AppendResult, EventToAppend, StreamAppend } from './event-store.js';
import { WrongExpectedVersion } from './errors.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Throws on an append no store accepts: no events (`RangeError`), an id that is not a UUID or
 * the same id twice (`TypeError`). Every adapter checks this before it writes anything.
 */
export function assertWellFormedAppend(stream: string, events: readonly EventToAppend[]): void {
  if (events.length === 0) throw new RangeError(`appendToStream needs at least one event (stream ${stream})`);
  const ids = new Set<string>();
  for (const event of events) {
    if (event.id === undefined) continue;
    if (!uuidPattern.test(event.id)) throw new TypeError(`event id is not a UUID: ${event.id}`);
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw new TypeError(`the same event id twice in one append to ${stream}`);
    ids.add(id);
  }
}

/**
 * `appendToStreams` for a store without group commit: the appends of different streams run
 * side by side, those of one stream one after the other; once one of a stream fails, the later
 * ones of that stream are not tried (a `WrongExpectedVersion` with the same actual revision, or
 * the same error when it was not a conflict).
 *
 * @example appendToStreams: (appends) => appendEach(appends, (a) => appendOne(a.stream, a.events, a.expectedRevision))
 */
export async function appendEach(
  appends: readonly StreamAppend[],
  append: (one: StreamAppend) => Promise<AppendResult>,
): Promise<AppendOutcome[]> {
  const outcomes: AppendOutcome[] = new Array(appends.length);
  const byStream = new Map<string, number[]>();
  appends.forEach((a, i) => byStream.set(a.stream, [...(byStream.get(a.stream) ?? []), i]));
  await Promise.all(
    [...byStream.values()].map(async (indexes) => {
      let failure: Error | null = null;
      for (const i of indexes) {
        const one = appends[i]!;
        if (failure) {
          outcomes[i] = {
            ok: false,
            error:
              failure instanceof WrongExpectedVersion
                ? new WrongExpectedVersion(one.stream, one.expectedRevision ?? 'any', failure.actual)
                : failure,
          };
          continue;
        }
        try {
          outcomes[i] = { ok: true, result: await append(one) };
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          outcomes[i] = { ok: false, error: failure };
        }
      }
    }),
  );
  return outcomes;
}
