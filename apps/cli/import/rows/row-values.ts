/**
 * Legacy column values (read as JSON: `to_json(column)`) turned into command fields. They only
 * smooth over storage differences the seeds themselves show (SQLite's `is_active = 1`, the
 * prose's `no-show` and `follow-up`, a date kept as a midnight timestamp, a number kept as
 * text); anything else passes through unchanged, so the command's schema judges it and a bad
 * value rejects the row with the column named.
 */

/** A legacy row: seed column names → JSON values (`null` when empty or not in the legacy table). */
export type LegacyRow = Readonly<Record<string, unknown>>;

/** Absent (`null`) becomes `undefined`: an optional command field left out. */
export function optional(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** Text: numbers and booleans as their text (an integer `team_id`), else as is. */
export function text(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** A number: numeric text (`'80.50'`) as a number, else as is. */
export function numeric(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** An enumerated code: `No-Show` → `no_show`, `follow-up` → `follow_up`, `in person` → `in_person`. */
export function code(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    : text(value);
}

/** An upper-case code: `mri` → `MRI`, `X-Ray` → `XRAY`. */
export function upperCode(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .trim()
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
    : text(value);
}

const naive = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A timestamp with its offset: `to_json` of a `timestamptz` as is; a `timestamp` without time
 * zone has none and is read as UTC.
 */
export function timestamp(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' && naive.test(value) ? `${value}Z` : value;
}

const midnight = /^(\d{4}-\d{2}-\d{2})T00:00(:00(\.0+)?)?(Z|[+-]00(:?00)?)?$/;

/** A calendar date: a `date` as is; a date kept as a midnight timestamp, its date. */
export function date(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const m = typeof value === 'string' ? midnight.exec(value) : null;
  return m ? m[1] : value;
}

/** The instant a time column names, or null when it is empty or unreadable. */
export function instant(value: unknown): Date | null {
  const iso = timestamp(value);
  if (typeof iso !== 'string') return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The first readable instant among columns, in order of preference. */
export function firstInstant(...values: unknown[]): Date | null {
  for (const value of values) {
    const at = instant(value);
    if (at) return at;
  }
  return null;
}

/** A yes/no: booleans, 1/0 (SQLite's), `t`/`f`, `true`/`false`, `yes`/`no`; null when unreadable. */
export function flag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['1', 't', 'true', 'yes', 'y'].includes(v)) return true;
    if (['0', 'f', 'false', 'no', 'n'].includes(v)) return false;
  }
  return null;
}

/** A JSON object kept as text in a legacy `text` column, parsed; anything else as is. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The row's key values as text, in key order. */
export function keyValues(row: LegacyRow, key: readonly string[]): string[] {
  return key.map((column) => {
    const value = row[column];
    return value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
}
