/** What the double was asked, for tests that check how the adapter talks to the server. */
export type DoubleStats = {
  /** `Streams/Append` calls (one per append) */
  append: number;
  /** appends sent over `Streams/BatchAppend` (many per call) */
  batchAppend: number;
  streamReads: number;
  allReads: { filtered: number; unfiltered: number };
  allSubscriptions: { filtered: number; unfiltered: number };
};

export function emptyStats(): DoubleStats {
  return {
    append: 0,
    batchAppend: 0,
    streamReads: 0,
    allReads: { filtered: 0, unfiltered: 0 },
    allSubscriptions: { filtered: 0, unfiltered: 0 },
  };
}
