/** The log ids of one person's tracker: a read-only record of id → true. */
export type LogIds = Readonly<Record<string, true>>;

/** Links in a chain before `withLogId` copies it into one record again. */
const MAX_CHAIN = 32;

/**
 * The ids plus one more, without copying them all: the result is a one-key record whose
 * prototype is `ids` (nothing is mutated; states share their older links). Every 32 links the
 * chain is copied into one flat record, so adding costs O(n / 32) on average instead of O(n),
 * and a lookup walks at most 33 links. (A stream with thousands of logs folded one event at a
 * time used to copy every id for every event.)
 *
 * @example hasLogId(withLogId({}, 'l1'), 'l1') // true
 */
export function withLogId(ids: LogIds, logId: string): LogIds {
  const next: LogIds = Object.create(ids, { [logId]: { value: true, enumerable: true } });
  return depth(next) > MAX_CHAIN ? flatten(next) : next;
}

/** True when `logId` is among `ids` (own keys at every link; never a key of Object.prototype). */
export function hasLogId(ids: LogIds, logId: string): boolean {
  for (let link: object | null = ids; link !== null && link !== Object.prototype; link = Object.getPrototypeOf(link)) {
    if (Object.hasOwn(link, logId)) return true;
  }
  return false;
}

function depth(ids: LogIds): number {
  let n = 0;
  for (let link: object | null = ids; link !== null && link !== Object.prototype; link = Object.getPrototypeOf(link))
    n++;
  return n;
}

function flatten(ids: LogIds): LogIds {
  const flat: Record<string, true> = Object.create(null);
  for (const key in ids) flat[key] = true;
  return flat;
}
