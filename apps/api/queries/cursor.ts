import { ID_PATTERN } from '../../../libs/domain/shared/fields.js';

/** Checks one value of a decoded cursor. */
export type CursorPart = (value: string) => boolean;

/** A row key such as a timeline row's `<event id>:stage`: 1–200 printable ASCII characters (no NUL, which PostgreSQL text rejects). */
export const anyKey: CursorPart = (value) => /^[\x21-\x7e]{1,200}$/.test(value);

/** A client-supplied id (SPEC §1). */
export const idKey: CursorPart = (value) => ID_PATTERN.test(value);

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A microsecond UTC time as `cursorTime` writes it, and a real one (no 30 February, no year 0: the database would reject them). */
export const timeKey: CursorPart = (value) => {
  if (!CURSOR_TIME.test(value)) return false;
  const time = Date.parse(value);
  return (
    !Number.isNaN(time) && !value.startsWith('0000') && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19)
  );
};

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

/**
 * An opaque paging cursor: the sort key of the last row of a page, tagged with the list it
 * belongs to, as base64url JSON. Clients pass it back as they got it.
 *
 * @example encodeCursor('timeline', ['2025-03-01T09:30:00.000000Z', '3f2a…']) // 'WyJ0aW1lbGluZSIs…'
 */
export function encodeCursor(list: string, values: readonly string[]): string {
  return Buffer.from(JSON.stringify([list, ...values]), 'utf8').toString('base64url');
}

/**
 * The sort key in a cursor of `list`, or null when `raw` is not such a cursor (garbled,
 * from another list, or with a value its part rejects).
 *
 * @example decodeCursor('patients', raw, [idKey]) // ['p-17'] or null
 */
export function decodeCursor(list: string, raw: string, parts: readonly CursorPart[]): string[] | null {
  if (!BASE64URL.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== parts.length + 1 || parsed[0] !== list) return null;
  const values = parsed.slice(1);
  const valid = values.every((value, i): value is string => typeof value === 'string' && parts[i]!(value));
  return valid ? (values as string[]) : null;
}

/** A non-negative PostgreSQL `integer` key (a `session_kpis.id`). */
export const intKey: CursorPart = (value) => /^(0|[1-9][0-9]{0,9})$/.test(value) && Number(value) <= 2_147_483_647;
