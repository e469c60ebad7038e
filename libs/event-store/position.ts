/**
 * A global log position: opaque, totally ordered, a non-negative integer that may exceed
 * 2^53 (EventStoreDB packs commit and prepare positions into one value). It crosses every
 * boundary (HTTP, checkpoints, logs) as a decimal string and is compared as a number,
 * never as a string.
 *
 * @example
 * const p = parsePosition('18446744073709551617');
 * comparePositions(p, parsePosition('9')) > 0; // true
 */
export type Position = bigint;

/** Where a forward read or subscription begins: the log's start, or strictly after a position. */
export type FromPosition = 'start' | Position;

/** The decimal string form of a position. */
export function positionToString(position: Position): string {
  return position.toString(10);
}

/** Parses a decimal string; throws `RangeError` on anything else. */
export function parsePosition(text: string): Position {
  if (!/^(0|[1-9][0-9]{0,39})$/.test(text)) {
    throw new RangeError(`not a log position: ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

/** Negative, zero or positive as `a` lies before, at or after `b`. */
export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
