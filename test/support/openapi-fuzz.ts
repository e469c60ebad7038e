/**
 * Inputs for the fuzz test, generated from the API's own OpenAPI document: a valid-looking value
 * for a schema, and values that break it in one named way. Deterministic for a given seed.
 */

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

export type OpenApiDocument = {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: ({ $ref: string } | Parameter)[]; requestBody?: { content: Record<string, { schema: Schema }> } }
    >
  >;
  components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> };
};

export type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };

/** mulberry32: a small seeded generator, so every run sends the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
  return s;
}

export function parameters(
  doc: OpenApiDocument,
  operation: { parameters?: ({ $ref: string } | Parameter)[] },
): Parameter[] {
  return (operation.parameters ?? []).map((p) =>
    '$ref' in p ? doc.components.parameters![p.$ref.replace('#/components/parameters/', '')]! : p,
  );
}

const typeOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Strings tried, in order, for a pattern: the first one it accepts is used. */
const patternCandidates = [
  'fz-1',
  '2025-03-01',
  '2025-03-01T10:00:00Z',
  'a'.repeat(64),
  'headache',
  'pending',
  'ada@example.org',
];

/** A value the schema accepts (required properties only). */
export function validValue(doc: OpenApiDocument, schema: Schema): unknown {
  const s = resolve(doc, schema);
  if (s.enum) return s.enum[0];
  if (s.anyOf?.length) return validValue(doc, s.anyOf[0]!);
  if (s.oneOf?.length) return validValue(doc, s.oneOf[0]!);
  const type = typeOf(s)[0];
  switch (type) {
    case 'string': {
      if (s.format === 'date') return '2025-03-01';
      if (s.format === 'date-time') return '2025-03-01T10:00:00Z';
      if (s.format === 'email') return 'ada@example.org';
      if (s.pattern) {
        const pattern = new RegExp(s.pattern);
        const found = patternCandidates.find((c) => pattern.test(c));
        if (found) return found;
      }
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 0, Math.min(1, s.maximum ?? 1));
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of s.required ?? []) value[name] = validValue(doc, s.properties?.[name] ?? {});
      return value;
    }
    default:
      return 'x';
  }
}

/** One way to break a field's value, and what it is called in the test's output. */
export type FieldMutation = { what: string; value: unknown };

const samples: [string, unknown][] = [
  ['string', 'text'],
  ['integer', 42],
  ['number', 4.2],
  ['boolean', true],
  ['null', null],
  ['array', ['x']],
  ['object', { x: 1 }],
];

/** Values of the wrong JSON type, out of range, too long, not in the enum, off the pattern. */
export function breakingValues(doc: OpenApiDocument, schema: Schema, random: () => number): FieldMutation[] {
  const s = resolve(doc, schema);
  const allowed = typeOf(s);
  const out: FieldMutation[] = [];
  // 42 is a number too; 4.2 is no integer.
  const accepts = (type: string) => allowed.includes(type) || (type === 'integer' && allowed.includes('number'));
  const wrong = allowed.length === 0 ? [] : samples.filter(([type]) => !accepts(type));
  if (wrong.length > 0) {
    const [type, value] = wrong[Math.floor(random() * wrong.length)]!;
    out.push({ what: `wrong type (${type})`, value });
  }
  if (allowed.includes('integer')) out.push({ what: 'not an integer', value: 1.5 });
  if (s.minimum !== undefined) out.push({ what: 'below the minimum', value: s.minimum - 1 });
  if (s.maximum !== undefined) out.push({ what: 'above the maximum', value: s.maximum + 1 });
  if (s.enum) out.push({ what: 'not in the enum', value: 'not_a_member' });
  if (allowed.includes('string')) {
    if (s.maxLength !== undefined) out.push({ what: 'one character too long', value: 'x'.repeat(s.maxLength + 1) });
    if (s.minLength !== undefined && s.minLength > 0) out.push({ what: 'empty', value: '' });
    if (s.pattern || s.format) out.push({ what: 'off the pattern', value: ' not valid! ' });
    out.push({ what: 'over-long (100,000 characters)', value: 'x'.repeat(100_000) });
  }
  return out;
}
