import type { Kysely } from 'kysely';
import { saveProgress } from './rebuild-state.js';

/** Events per second over `seconds` (null before any time has passed): the one rate of a rebuild. */
export function eventsPerSecond(processed: number, seconds: number): number | null {
  return seconds > 0 ? processed / seconds : null;
}

/** Seconds left at `rate` to reach `total` from `processed` (null without a rate). */
export function etaSeconds(processed: number, total: number, rate: number | null): number | null {
  return rate ? (total - processed) / rate : null;
}

/** Least time between two saves of a building rebuild's progress (its heartbeat). */
const SAVE_EVERY_MS = 500;

/**
 * A rebuild's progress and heartbeat: events processed, the rate since it started and the ETA,
 * saved at most every 500 ms while building, and at once on a change of state.
 */
export class RebuildClock {
  /** events folded so far */
  processed = 0;
  private readonly started = Date.now();
  private lastSave = 0;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly name: string,
    private readonly owner: string,
    private readonly total: number,
  ) {}

  /** Seconds since the rebuild started building. */
  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** Counts `events` more as processed. */
  add(events: number): void {
    this.processed += events;
  }

  /** Saves the progress (throttled while building; always when `state` is given). */
  async beat(state?: 'verifying'): Promise<void> {
    if (state === undefined && Date.now() - this.lastSave < SAVE_EVERY_MS) return;
    this.lastSave = Date.now();
    const rate = eventsPerSecond(this.processed, this.seconds());
    // events appended meanwhile make the total grow
    const total = Math.max(this.total, this.processed);
    await saveProgress(this.db, this.name, this.owner, {
      ...(state ? { state } : {}),
      processed: this.processed,
      total,
      eventsPerSecond: rate,
      etaSeconds: state ? 0 : etaSeconds(this.processed, total, rate),
    });
  }

  /** Saves the end of a swapped rebuild; returns its duration in seconds. */
  async swapped(position: string | null): Promise<number> {
    const seconds = this.seconds();
    await saveProgress(this.db, this.name, this.owner, {
      state: 'swapped',
      processed: this.processed,
      eventsPerSecond: eventsPerSecond(this.processed, seconds),
      etaSeconds: 0,
      position,
      differences: [],
      finished: true,
    });
    return seconds;
  }
}
