import { WrongExpectedVersion, type EventStore, type EventToAppend, type ExpectedRevision } from '../../../libs/event-store/index.js';

/** The events one wave adds to one stream, after the revision the import saw. */
export type ImportedAppend = { streamId: string; expectedRevision: ExpectedRevision; events: EventToAppend[] };

/** Another writer changed a stream the import was appending to: its decisions may be stale. */
export class ImportConflict extends Error {
  constructor(readonly streamId: string, options: { cause: unknown }) {
    super(`stream ${streamId} changed while the import was writing to it; run the import again (it resumes where it stopped)`, options);
    this.name = 'ImportConflict';
  }
}

/**
 * Appends one wave of imported events: the only place the import writes to the log. The
 * streams of a wave never share a patient (the planner's rule), so the order in which its
 * appends land changes no projection. They go one `appendToStream` per stream, `concurrency`
 * at a time (the port has no multi-stream append yet: when it has, this function becomes one
 * call per wave). Each append expects the revision the import decided on.
 *
 * @example await appendImported(store, [{ streamId: 'patient-p1', expectedRevision: 'no_stream', events }]);
 */
export async function appendImported(store: EventStore, batch: readonly ImportedAppend[], concurrency = 1): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const { streamId, expectedRevision, events } = batch[next++]!;
      try {
        await store.appendToStream(streamId, events, { expectedRevision });
      } catch (error) {
        if (error instanceof WrongExpectedVersion) throw new ImportConflict(streamId, { cause: error });
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
}
