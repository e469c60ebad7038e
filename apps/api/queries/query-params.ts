import { z } from 'zod';
import type { FieldError } from '../../../libs/domain/shared/errors.js';
import { ID_PATTERN, toInstant } from '../../../libs/domain/shared/fields.js';
import { BadRequest } from '../errors/http-errors.js';
import { decodeCursor, type CursorPart } from './cursor.js';

/** Largest page a list serves (SPEC §5). */
export const MAX_LIMIT = 500;
/** Page size when `limit` is absent. */
export const DEFAULT_LIMIT = 100;

const ID_MESSAGE = 'must be 1-64 letters, digits or _ . : - starting with a letter or digit';

/**
 * A path id checked against SPEC §1's pattern; 400 naming the parameter otherwise.
 *
 * @example pathId('p-1') // 'p-1';  pathId('../x') // throws BadRequest [{ path: 'id', … }]
 */
export function pathId(value: string, name = 'id'): string {
  if (!ID_PATTERN.test(value))
    throw new BadRequest(`invalid path parameter ${name}`, [{ path: name, message: ID_MESSAGE }]);
  return value;
}

/** A query parameter given at most once (Fastify makes `?a=1&a=2` an array). */
const once = () => z.string({ error: 'must be given once, as text' });

/** `limit`: an integer 1–500, default 100. */
export const limitParam = () =>
  once()
    .regex(/^[0-9]{1,4}$/, `must be an integer from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_LIMIT, `must be an integer from 1 to ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT);

/** An opaque cursor of `list`, decoded to its sort key. */
export const cursorParam = (list: string, parts: readonly CursorPart[]) =>
  once().transform((raw, ctx) => {
    const key = decodeCursor(list, raw, parts);
    if (key === null) {
      ctx.addIssue({ code: 'custom', message: "must be a cursor from this list's nextCursor, passed back unchanged" });
      return z.NEVER;
    }
    return key;
  });

const INSTANT_MESSAGE =
  'must be an ISO-8601 time with offset (2025-03-01T09:30:00Z) or a date YYYY-MM-DD, from year 1 on';

/** A date `YYYY-MM-DD` (midnight UTC) or an ISO-8601 time with offset, as an ISO instant (PostgreSQL has no year 0). */
export const instantParam = () =>
  once()
    .pipe(z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: INSTANT_MESSAGE }))
    .transform((value) => toInstant(value).toISOString())
    .refine((iso) => /^\d{4}-/.test(iso) && !iso.startsWith('0000'), INSTANT_MESSAGE);

/** A comma-separated list of values of `allowed` (repeats collapsed), as an array. */
export const enumListParam = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  once().transform((raw, ctx) => {
    const values = raw.split(',').map((value) => value.trim());
    const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a comma-separated list of ${allowed.join(', ')}; got ${JSON.stringify(unknown.join(','))}`,
      });
      return z.NEVER;
    }
    return [...new Set(values)] as T[number][];
  });

/** An endpoint that takes no query parameters. */
export const noParams = z.object({}).strict();

/**
 * Validates a request's query string with a strict zod object: every bad or unknown
 * parameter is listed (400 `validation_failed`, `errors[].path` = the parameter's name).
 *
 * @example const { limit, before } = parseQuery(timelineQuery, request.query);
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'unknown query parameter' }))
      : [{ path: issue.path.map(String).join('.'), message: issue.message }],
  );
  throw new BadRequest('invalid query parameters', errors);
}
