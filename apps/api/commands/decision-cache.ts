import { LRUCache } from 'lru-cache';
import type { FoldedState } from '../../../libs/domain/commands.js';

/**
 * A stream's state as the log last confirmed it: folded up to `revision`. `stale`: a conflict
 * showed that the log has moved past it, so the next decision must read what came after.
 */
export type CachedStream = { aggregate: object; folded: FoldedState; revision: bigint; stale?: boolean };

export type DecisionCacheLimits = {
  /** most streams kept; default 10,000 */
  maxStreams?: number;
  /** most events folded into the kept states, summed (a rough bound on their memory); default 200,000 */
  maxEvents?: number;
  /** most fact streams remembered as existing; default 100,000 */
  maxFacts?: number;
};

/**
 * What the command executor remembers between commands, bounded (least recently used goes first):
 * - each stream's folded state at a revision the log confirmed (read, or appended by this
 *   process). It is never a source of truth: a decision on it appends with that revision as the
 *   expectation, so a stream another process wrote meanwhile makes the append fail, marks the
 *   state stale, and the retry reads the events after that revision;
 * - fact streams known to exist (`patient-…`, `doctor-…`). Existence never turns false (no
 *   command removes a registration), so a fact once seen need not be read again. Absence is
 *   never remembered.
 */
export class DecisionCache {
  private readonly streams: LRUCache<string, CachedStream>;
  private readonly facts: LRUCache<string, true>;

  constructor(limits: DecisionCacheLimits = {}) {
    const maxEvents = limits.maxEvents ?? 200_000;
    this.streams = new LRUCache<string, CachedStream>({
      max: limits.maxStreams ?? 10_000,
      maxSize: maxEvents,
      // a longer stream's state weighs more; one longer than the whole budget is not kept
      maxEntrySize: maxEvents,
      sizeCalculation: (entry) => Math.max(1, Number(entry.revision) + 1),
    });
    this.facts = new LRUCache<string, true>({ max: limits.maxFacts ?? 100_000 });
  }

  stream(stream: string): CachedStream | undefined {
    return this.streams.get(stream);
  }

  /** Keeps a confirmed state, unless one at a later revision is already kept. */
  confirm(stream: string, entry: CachedStream): void {
    const kept = this.streams.peek(stream);
    if (kept && kept.aggregate === entry.aggregate && kept.revision > entry.revision) return;
    this.streams.set(stream, { ...entry, stale: false });
  }

  /** Marks a stream's state as behind the log: it stays a base to read from, but is not decided on as it is. */
  markStale(stream: string): void {
    const kept = this.streams.peek(stream);
    if (kept && !kept.stale) this.streams.set(stream, { ...kept, stale: true });
  }

  /** Drops a stream's state (it no longer matches the log). */
  forget(stream: string): void {
    this.streams.delete(stream);
  }

  knownToExist(factStream: string): boolean {
    return this.facts.has(factStream);
  }

  exists(factStream: string): void {
    this.facts.set(factStream, true);
  }
}
