import { z } from 'zod';
import { ID_PATTERN } from '../../../libs/domain/shared/fields.js';
import { BadRequest } from '../errors/http-errors.js';

const position = z.string().regex(/^(0|[1-9][0-9]{0,39})$/, 'must be a log position (decimal string)');
const time = z.iso.datetime({ offset: true });

/** `GET /audit/events` query parameters. */
export const auditEventsQuery = z
  .object({
    type: z.string().max(2000).optional(),
    actor: z.string().max(200).optional(),
    from: time.optional(),
    to: time.optional(),
    after: position.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** `GET /audit/patients/{id}/as-of` query parameters. */
export const asOfQuery = z.object({ at: time }).strict();

/** `GET /audit/access` query parameters. */
export const accessQuery = z
  .object({
    after: z
      .string()
      .regex(/^[0-9]{1,19}$/, 'must be a cursor from nextCursor')
      .optional(),
    patientId: z.string().regex(ID_PATTERN, 'must be a patient id').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Parses query parameters; 400 naming each bad one. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new BadRequest(
    'invalid query parameters',
    parsed.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ path: k, message: 'unknown parameter' }))
        : [{ path: i.path.join('.'), message: i.message }],
    ),
  );
}

/** 400 unless `id` is a valid id. */
export function checkId(id: string, path = 'id'): void {
  if (!ID_PATTERN.test(id))
    throw new BadRequest('invalid id', [
      { path, message: 'must be 1-64 letters, digits or _ . : - starting with a letter or digit' },
    ]);
}
