import type { Position } from '../../event-store/index.js';

/**
 * How far this runner has applied the log to every projection it runs, and who wants to know
 * after each batch (read-your-writes waiters).
 */
export class AppliedPosition {
  private position: Position | null = null;
  private readonly listeners = new Set<() => void>();

  /** Every event up to here has been applied to every active projection (`null`: none yet in this pass). */
  through(): Position | null {
    return this.position;
  }

  /** A new pass over the log starts: nothing is known to be applied by it yet. */
  reset(): void {
    this.position = null;
  }

  /** A batch has settled: `through`, when given, is now applied everywhere; listeners are told. */
  settled(through: Position | null): void {
    if (through !== null) this.position = through;
    this.listeners.forEach((listener) => listener());
  }

  /** Calls `listener` after every settled batch; returns its removal. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
