import type { KeyObject } from 'node:crypto';
import { pseudonym } from '../../../libs/personal-data/pseudonym.js';
import type { Columns } from './columns.js';

/** The columns of a de-identified export: the same, without `team_id` (seed 000: high privacy risk). */
export function deidentifiedColumns<C extends Columns>(columns: C): Omit<C, 'team_id'> {
  const { team_id: _dropped, ...rest } = columns as C & { team_id?: unknown };
  return rest;
}

/**
 * The rows of a de-identified export (`?deidentified=true`, SPEC §9): `user_id` becomes its
 * keyed pseudonym (`anon_…`, stable for the export key, so rows still join across exports and
 * days) and `team_id` is dropped.
 *
 * @example deidentifyRows([{ user_id: 'p1', team_id: 't1', triage_level: 'green' }], key) // [{ user_id: 'anon_…', triage_level: 'green' }]
 */
export function deidentifyRows<R extends { user_id: string }>(
  rows: readonly R[],
  exportKey: KeyObject,
): Omit<R, 'team_id'>[] {
  const known = new Map<string, string>();
  return rows.map((row) => {
    const { team_id: _dropped, ...rest } = row as R & { team_id?: unknown };
    let alias = known.get(row.user_id);
    if (alias === undefined) known.set(row.user_id, (alias = pseudonym(exportKey, row.user_id)));
    return { ...rest, user_id: alias };
  });
}
