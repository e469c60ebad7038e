import type { KeyState } from './field-cipher.js';

/** Limits of the in-process cache of unwrapped data keys. */
export type KeyCacheOptions = {
  /** most subjects held (least recently used go first); default 10,000 */
  maxEntries?: number;
  /** a live key is looked up again after this long; default 10 minutes */
  maxAgeMs?: number;
  /** the clock, for tests */
  now?: () => number;
};

/**
 * A bounded LRU of key states by subject. An erased state never expires (erasure is final);
 * a live key does after `maxAgeMs`, a backstop should an erasure notice be missed.
 *
 * @example
 * const cache = new KeyCache({ maxEntries: 2 });
 * cache.set('p1', { state: 'erased' }); cache.get('p1') // { state: 'erased' }
 */
export class KeyCache {
  private readonly entries = new Map<string, { state: KeyState; at: number }>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: KeyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get(subjectId: string): KeyState | undefined {
    const entry = this.entries.get(subjectId);
    if (!entry) return undefined;
    if (entry.state.state === 'active' && this.now() - entry.at > this.maxAgeMs) {
      this.entries.delete(subjectId);
      return undefined;
    }
    this.entries.delete(subjectId); // move to the most recent end
    this.entries.set(subjectId, entry);
    return entry.state;
  }

  set(subjectId: string, state: KeyState): void {
    this.entries.delete(subjectId);
    this.entries.set(subjectId, { state, at: this.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(subjectId: string): void {
    this.entries.delete(subjectId);
  }

  /** The subjects whose live key is held (to ask the store which of them were erased). */
  activeSubjects(): string[] {
    return [...this.entries].filter(([, entry]) => entry.state.state === 'active').map(([subject]) => subject);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
