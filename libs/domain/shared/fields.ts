import { z } from 'zod';

/** Every client-supplied id (SPEC §1): 1–64 characters, starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Maximum lengths of strings (SPEC §2). */
export const MAX_LENGTH = { name: 200, text: 10_000, uri: 2_000, email: 254 } as const;

/** An id field: `patientId`, `scanId`, … */
export const id = () =>
  z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits or _ . : - starting with a letter or digit');

/** A short name or label (≤ 200 characters, not empty). */
export const name = () => z.string().min(1).max(MAX_LENGTH.name);

/** Free text (≤ 10,000 characters). */
export const text = () => z.string().max(MAX_LENGTH.text);

/** A URI or path to a stored file (≤ 2,000 characters, not empty). */
export const uri = () => z.string().min(1).max(MAX_LENGTH.uri);

/** A calendar date `YYYY-MM-DD` that exists (no 2023-02-29). */
export const isoDate = () => z.iso.date();

/** A timestamp: ISO-8601 with `Z` or a `±hh:mm` offset. */
export const timestamp = () => z.iso.datetime({ offset: true });

/** A date or a timestamp with offset (e.g. `consultationDate`). */
export const dateOrTimestamp = () =>
  z.union([isoDate(), timestamp()], { error: 'must be a date YYYY-MM-DD or an ISO-8601 timestamp with offset' });

/** A non-negative amount with at most 2 decimals that fits `numeric(10,2)`. */
export const money = () =>
  z
    .number()
    .min(0)
    .max(99_999_999.99)
    .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'must have at most 2 decimals');

/**
 * The instant a date or timestamp names; a bare date is midnight UTC.
 *
 * @example toInstant('2025-03-01') // 2025-03-01T00:00:00.000Z
 */
export function toInstant(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}
