import type { Position as EsdbPosition } from '@eventstore/db-client';
import type { Position } from '../position.js';

const U64_MAX = (1n << 64n) - 1n;

/**
 * The port's one-number position from EventStoreDB's full $all position:
 * `(commit << 64) | prepare`. Both halves are unsigned 64-bit, so the packing keeps them whole
 * and numeric order equals ESDB's order (commit first, then prepare).
 *
 * @example
 * packPosition({ commit: 1n, prepare: 1n }) === 18446744073709551617n; // true
 */
export function packPosition(position: EsdbPosition): Position {
  const { commit, prepare } = position;
  if (commit < 0n || commit > U64_MAX || prepare < 0n || prepare > U64_MAX) {
    throw new RangeError(`not an EventStoreDB position: commit ${commit}, prepare ${prepare}`);
  }
  return (commit << 64n) | prepare;
}

/** The commit and prepare positions packed by `packPosition`, for the client. */
export function unpackPosition(position: Position): EsdbPosition {
  if (position < 0n || position >> 128n !== 0n) throw new RangeError(`not a packed EventStoreDB position: ${position}`);
  return { commit: position >> 64n, prepare: position & U64_MAX };
}

/**
 * False for a missing position and for ESDB's "no position" (both halves `ulong.MaxValue`,
 * what the server sends for an event whose commit it does not know).
 */
export function isKnownPosition(position: EsdbPosition | undefined): position is EsdbPosition {
  return position !== undefined && position.commit !== U64_MAX && position.prepare !== U64_MAX;
}
