import {
  WrongExpectedVersion,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
} from '../../../libs/event-store/index.js';

/** Events one wave adds to one stream, after the revision the import saw. */
export type ImportedAppend = { streamId: string; expectedRevision: ExpectedRevision; events: EventToAppend[] };

/** Another writer changed a stream the import was appending to: its decisions may be stale. */
export class ImportConflict extends Error {
  constructor(
    readonly streamId: string,
    options: { cause: unknown },
  ) {
    super(
      `stream ${streamId} changed while the import was writing to it; run the import again (it resumes where it stopped)`,
      options,
    );
    this.name = 'ImportConflict';
  }
}

/**
 * Prepares one wave of imported events for one `appendToStreams` call, the only place the
 * import writes to the log, and returns the function that commits it. The store's CPU work for
 * the wave (checks, canonical JSON: `prepareAppends`, where the store has it) is done now, so a
 * wave is encoded while the one before it commits and the log goes from one statement to the
 * next without waiting for it. The appends are in the plan's order (a stream may come more than
 * once, each time expecting the revision its previous append leaves), so on PostgreSQL, where one
 * call is one statement applied in order, the log is the plan's order. Each append expects the
 * revision the import decided on; the commit throws the first failure (`ImportConflict` when
 * another writer got in between), after the others of the call were written or refused — a
 * rerun resumes.
 *
 * @example await prepareImported(store, [{ streamId: 'patient-p1', expectedRevision: 'no_stream', events }])();
 */
export function prepareImported(store: EventStore, wave: readonly ImportedAppend[]): () => Promise<void> {
  if (wave.length === 0) return async () => undefined;
  const appends = wave.map((a) => ({ stream: a.streamId, events: a.events, expectedRevision: a.expectedRevision }));
  const commit = store.prepareAppends?.(appends) ?? (() => store.appendToStreams(appends));
  return async () => {
    const outcomes = await commit();
    const failed = outcomes.findIndex((o) => !o.ok);
    if (failed < 0) return;
    const outcome = outcomes[failed]!;
    const error = outcome.ok ? null : outcome.error;
    if (error instanceof WrongExpectedVersion) throw new ImportConflict(wave[failed]!.streamId, { cause: error });
    throw error;
  };
}
