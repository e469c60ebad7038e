import type { FieldError } from './errors.js';

// NUL and unpaired UTF-16 surrogates are valid JSON escapes but PostgreSQL's jsonb rejects them.
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Paths of every string (value or object key) in a JSON body that cannot be stored: NUL
 * characters and unpaired surrogates.
 *
 * @example unstorableStrings({ name: 'a\u0000' }) // [{ path: 'name', message: … }]
 */
export function unstorableStrings(value: unknown, path: string[] = []): FieldError[] {
  const here = path.join('.');
  if (typeof value === 'string') {
    return unstorable.test(value) ? [{ path: here, message: 'must not contain NUL characters or unpaired surrogates' }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorableStrings(item, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(unstorable.test(key) ? [{ path: [...path, key].join('.'), message: 'field names must not contain NUL characters or unpaired surrogates' }] : []),
      ...unstorableStrings(item, [...path, key]),
    ]);
  }
  return [];
}
