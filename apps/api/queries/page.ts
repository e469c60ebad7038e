/** One page of a list: `nextCursor` fetches the next page, null on the last. */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A list that is not paged (per-patient lists, exports). */
export type Items<T> = { items: T[] };

/**
 * Cuts the `limit + 1` rows a keyset query fetched into a page: the extra row only tells
 * that there is a next page, whose cursor is the key of the page's last row.
 *
 * @example toPage(rows, 100, ({ cursor_time, ...item }) => item, (row) => encodeCursor('timeline', [row.cursor_time, row.event_id]))
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  cursorOf: (row: R) => string,
): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(toItem), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
