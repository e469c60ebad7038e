import type { AppendOutcome, ExpectedRevision } from '../event-store.js';

/** One append ready for the database: ids resolved, data and metadata as canonical JSON text. */
export type PreparedAppend = {
  stream: string;
  expected: ExpectedRevision;
  ids: string[];
  types: string[];
  data: string[];
  metadata: string[];
  /** characters of data and metadata, for the batch cap */
  size: number;
};

/** How batches are formed. */
export type GroupCommitLimits = {
  /** batches being committed at once (the append lock serializes them; 2 overlaps one's round trip with the other's commit) */
  maxInFlight: number;
  /** most events in one batch (a single larger call still goes, alone) */
  maxEvents: number;
  /** most characters of data and metadata in one batch (likewise) */
  maxChars: number;
};

/** What one batch did, for metrics and tests. */
export type BatchReport = { calls: number; appends: number; events: number; ms: number; failed: boolean };

/** What became of a batch that the database refused as a whole. */
export type BatchFailure =
  /** one call's data broke the statement: commit each call alone, so only that one fails */
  | { kind: 'isolate' }
  /** the statement or its commit failed: every append of the batch fails with this error */
  | { kind: 'fail'; error: Error };

type Call = { appends: PreparedAppend[]; settle: (outcomes: AppendOutcome[]) => void };

/**
 * Group commit: calls that arrive while earlier batches are being committed wait in a queue
 * and are committed together, in arrival order, by one `commit` (one statement, one lock
 * acquisition, one WAL flush). Nothing waits for a timer: an idle committer sends a call at
 * once, so a lone writer pays no delay; batches grow only when writers queue.
 *
 * @example
 * const group = new GroupCommit(commitBatch, classify, { maxInFlight: 2, maxEvents: 1000, maxChars: 4 << 20 });
 * const [outcome] = await group.submit([prepared]);
 */
export class GroupCommit {
  private readonly queue: Call[] = [];
  private inFlight = 0;

  constructor(
    /** commits the calls' appends together; resolves to one list of outcomes per call, or throws when the batch failed as a whole */
    private readonly commit: (calls: PreparedAppend[][]) => Promise<AppendOutcome[][]>,
    private readonly classify: (error: unknown) => BatchFailure,
    private readonly limits: GroupCommitLimits,
    private readonly onBatch?: (report: BatchReport) => void,
  ) {}

  /** Queues one call's appends; resolves to their outcomes, in order (never rejects). */
  submit(appends: PreparedAppend[]): Promise<AppendOutcome[]> {
    return new Promise((settle) => {
      this.queue.push({ appends, settle });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.flush(batch).finally(() =>
        // The slot frees only after the callers just answered have had their turn (their
        // continuations are microtasks; setImmediate runs after them): whoever appends again at
        // once joins the next batch instead of racing ahead of it alone.
        setImmediate(() => {
          this.inFlight--;
          this.pump();
        }),
      );
    }
  }

  /**
   * The next batch: calls from the head of the queue while they fit the caps (the first always
   * goes). It stops at a call that re-sends an id already in the batch: the database would not
   * see the first copy yet, so the second goes in the next batch and is recognised as a replay.
   */
  private take(): Call[] {
    const batch: Call[] = [];
    const ids = new Set<string>();
    let events = 0;
    let chars = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const nextEvents = next.appends.reduce((n, a) => n + a.ids.length, 0);
      const nextChars = next.appends.reduce((n, a) => n + a.size, 0);
      if (batch.length > 0) {
        if (events + nextEvents > this.limits.maxEvents || chars + nextChars > this.limits.maxChars) break;
        if (next.appends.some((a) => a.ids.some((id) => ids.has(id)))) break;
      }
      this.queue.shift();
      batch.push(next);
      for (const a of next.appends) for (const id of a.ids) ids.add(id);
      events += nextEvents;
      chars += nextChars;
    }
    return batch;
  }

  private async flush(batch: Call[]): Promise<void> {
    const started = performance.now();
    const events = batch.reduce((n, c) => n + c.appends.reduce((m, a) => m + a.ids.length, 0), 0);
    const report = (failed: boolean) =>
      this.onBatch?.({
        calls: batch.length,
        appends: batch.reduce((n, c) => n + c.appends.length, 0),
        events,
        ms: performance.now() - started,
        failed,
      });
    try {
      const outcomes = await this.commit(batch.map((c) => c.appends));
      report(false);
      batch.forEach((call, i) => call.settle(outcomes[i]!));
    } catch (error) {
      report(true);
      const failure = this.classify(error);
      if (failure.kind === 'isolate' && batch.length > 1) {
        for (const call of batch) await this.flush([call]);
        return;
      }
      const reason =
        failure.kind === 'fail' ? failure.error : error instanceof Error ? error : new Error(String(error));
      for (const call of batch) call.settle(call.appends.map(() => ({ ok: false, error: reason })));
    }
  }
}
