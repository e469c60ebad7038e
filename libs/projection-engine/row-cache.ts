/**
 * The rows a runner has seen of one projection's tables, kept across batches so a batch loads
 * only what it has not seen. Safe only while one writer owns the tables: the runner keeps one
 * per projection while it holds the lease, and drops it when a write fails (lost turn, fault,
 * a swap or rollback that moved the checkpoint).
 *
 * `null` means "known absent". A table is `complete` when the cache knows every row it holds
 * (it was empty when the runner started and nothing was evicted since): a miss is then absent
 * without a query. Memory is bounded by `maxRows` across tables (least recently used first);
 * evicting from a table makes it incomplete.
 */
export class RowCache {
  private readonly tables = new Map<string, { rows: Map<string, object | null>; complete: boolean }>();
  private size = 0;

  constructor(private readonly maxRows = 100_000) {}

  /** Marks tables as empty and fully known (a projection starting from nothing). */
  markComplete(tables: readonly string[]): void {
    for (const name of tables) this.table(name).complete = true;
  }

  isComplete(table: string): boolean {
    return this.tables.get(table)?.complete ?? false;
  }

  /** The cached row, `null` when known absent, `undefined` when unknown. */
  get(table: string, key: string): object | null | undefined {
    const t = this.tables.get(table);
    if (!t) return undefined;
    const row = t.rows.get(key);
    if (row === undefined) return t.complete ? null : undefined;
    // most recently used last
    t.rows.delete(key);
    t.rows.set(key, row);
    return row;
  }

  set(table: string, key: string, row: object | null): void {
    const t = this.table(table);
    if (!t.rows.delete(key)) this.size++;
    t.rows.set(key, row);
    if (this.size > this.maxRows) this.evict();
  }

  /** Forgets one key (its state is unknown again). */
  forget(table: string, key: string): void {
    const t = this.tables.get(table);
    if (t?.rows.delete(key)) {
      this.size--;
      t.complete = false;
    }
  }

  /** Forgets everything (after a failed write, a lost lease, a swap). */
  clear(): void {
    this.tables.clear();
    this.size = 0;
  }

  /** Rows held, for metrics and tests. */
  get rowCount(): number {
    return this.size;
  }

  private table(name: string) {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = { rows: new Map(), complete: false }));
    return t;
  }

  /** Drops the least recently used quarter of the largest table. */
  private evict(): void {
    let largest: { rows: Map<string, object | null>; complete: boolean } | undefined;
    for (const t of this.tables.values()) if (!largest || t.rows.size > largest.rows.size) largest = t;
    if (!largest) return;
    largest.complete = false;
    let drop = Math.max(1, Math.floor(largest.rows.size / 4));
    for (const key of largest.rows.keys()) {
      if (drop-- <= 0) break;
      largest.rows.delete(key);
      this.size--;
    }
  }
}
