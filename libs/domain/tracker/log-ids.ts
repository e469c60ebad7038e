/**
 * The log ids of one person's tracker: a persistent, append-only, versioned set. A version is
 * the first `size` ids added to `map` (id → the index it was added at); versions that extend
 * one another share one map. A value to treat as immutable: `withLogId` returns a new version
 * and every older one keeps answering as it did. Build one with `noLogIds()`.
 */
export type LogIds = {
  /** id → its insertion index; may hold ids of later versions (index ≥ `size`) */
  readonly map: ReadonlyMap<string, number>;
  /** how many ids this version holds: those of index < size */
  readonly size: number;
};

/** A set without ids (a fresh map each call). */
export function noLogIds(): LogIds {
  return { map: new Map(), size: 0 };
}

/** True when `logId` is among `ids` (added to this version or an older one it extends). */
export function hasLogId(ids: LogIds, logId: string): boolean {
  return (ids.map.get(logId) ?? Infinity) < ids.size;
}

/**
 * The ids plus one more; `ids` is unchanged (an id it holds already gives `ids` back). Adding to
 * the newest version of a map (nobody extended `ids` yet: the map holds exactly its ids) adds to
 * the shared map, O(1); adding to an older version — a branch: the import puts back the state
 * before a rejected row, two commands decide from one state — copies that version's ids into a
 * map of its own first, O(n). (A stream with thousands of logs, folded one event at a time, used
 * to copy every id for every event.)
 *
 * @example hasLogId(withLogId(noLogIds(), 'l1'), 'l1') // true
 */
export function withLogId(ids: LogIds, logId: string): LogIds {
  if (hasLogId(ids, logId)) return ids;
  let map: Map<string, number>;
  if (ids.map.size === ids.size) {
    // Only `withLogId` makes a LogIds, always with a Map: the newest version's map is ours to extend.
    map = ids.map as Map<string, number>;
  } else {
    map = new Map();
    // Insertion order is index order: this version's ids come first.
    for (const [id, index] of ids.map) {
      if (index >= ids.size) break;
      map.set(id, index);
    }
  }
  map.set(logId, ids.size);
  return { map, size: ids.size + 1 };
}
