import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

const SCHEMAS = '#/components/schemas/';
const LOCAL_DEFS = '#/$defs/';

/**
 * Converts a zod schema (as the server validates input) into OpenAPI component schemas:
 * the schema itself under `name`, plus its `$defs` (recursive parts such as `z.json()`)
 * hoisted beside it as `{name}_{def}`, every `$ref` rewritten to point there.
 *
 * Refinements (`.refine`, `.superRefine`) cannot be expressed in JSON Schema: the server
 * still enforces them (400), the document simply does not show them.
 *
 * @example
 * zodToComponentSchemas('RecordConsultation', RecordConsultationSchema)
 * // { RecordConsultation: { type: 'object', properties: { … }, required: [ … ], additionalProperties: false } }
 */
export function zodToComponentSchemas(name: string, schema: z.ZodType): Record<string, JsonSchema> {
  const generated: JsonSchema = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  const { $schema: _dialect, $defs, ...root } = generated;
  const defName = (key: string) => `${name}_${key.replace(/^_+/, '')}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string' && inner.startsWith(LOCAL_DEFS)
          ? [key, SCHEMAS + defName(decodePointer(inner.slice(LOCAL_DEFS.length)))]
          : [key, rewrite(inner)],
      ),
    );
  };
  const defs = Object.entries(isSchema($defs) ? $defs : {}).map(([key, def]) => [defName(key), rewrite(def)]);
  return { [name]: rewrite(root) as JsonSchema, ...(Object.fromEntries(defs) as Record<string, JsonSchema>) };
}

/** A `$ref` to a component schema. */
export const schemaRef = (name: string) => ({ $ref: SCHEMAS + name });

function isSchema(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decodePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
