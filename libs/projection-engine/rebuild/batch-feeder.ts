import type { OpenedEvent } from '../open-events.js';

/**
 * Collects events into batches of `size` and applies each; `end` applies the rest. A full
 * batch is applied in the background while the next one fills: the two folds of a rebuild then
 * overlap (one folds in Node while PostgreSQL writes the other's rows) instead of taking turns,
 * since each flushes at other pages. Batches of one feeder still apply one after the other, in
 * order. Memory: at most two batches per feeder (one applying, one filling).
 */
export class BatchFeeder {
  private pending: OpenedEvent[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly size: number,
    private readonly apply: (events: OpenedEvent[]) => Promise<void>,
  ) {}

  /** Queues events, applying each batch that fills up. */
  async add(events: readonly OpenedEvent[]): Promise<void> {
    for (const event of events) {
      this.pending.push(event);
      if (this.pending.length >= this.size) await this.flush();
    }
  }

  /** Applies what is left and waits for every batch. */
  async end(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    await this.running;
    this.running = null;
  }

  /** Waits for the batch being applied, if any, whatever its outcome. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Waits for the previous batch (its error surfaces here), then starts this one in the background. */
  private async flush(): Promise<void> {
    await this.running;
    const batch = this.pending;
    this.pending = [];
    const running = this.apply(batch);
    // Observed later (next flush, end, settled); mark it handled so a failure is not "unhandled" meanwhile.
    running.catch(() => undefined);
    this.running = running;
  }
}
