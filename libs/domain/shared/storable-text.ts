import type { FieldError } from './errors.js';

// NUL and unpaired UTF-16 surrogates are valid JSON escapes but PostgreSQL's jsonb rejects them.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A path as a chain to its parent, so a deep walk does not copy arrays of keys at every level. */
type Path = { parent: Path; key: string } | null;

function pathText(path: Path): string {
  const keys: string[] = [];
  for (let p = path; p !== null; p = p.parent) keys.push(p.key);
  return keys.reverse().join('.');
}

type Step = { kind: 'value'; value: unknown; path: Path } | { kind: 'key'; path: Path };

/**
 * Paths of every string (value or object key) in a JSON body that cannot be stored: NUL
 * characters and unpaired surrogates, in document order. Walks with an explicit stack, so a
 * body nested any depth is checked without recursion (a recursive walk overflowed the call
 * stack at about 2,000 levels).
 *
 * @example unstorableStrings({ name: 'a\u0000' }) // [{ path: 'name', message: … }]
 */
export function unstorableStrings(value: unknown): FieldError[] {
  // Nearly every body is storable: prove it without building paths, then walk again to name them.
  if (allStorable(value)) return [];
  const found: FieldError[] = [];
  const stack: Step[] = [{ kind: 'value', value, path: null }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.kind === 'key') {
      found.push({
        path: pathText(step.path),
        message: 'field names must not contain NUL characters or unpaired surrogates',
      });
      continue;
    }
    const v = step.value;
    if (typeof v === 'string') {
      if (unstorable.test(v))
        found.push({ path: pathText(step.path), message: 'must not contain NUL characters or unpaired surrogates' });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((item, i) => [String(i), item]) : Object.entries(v);
    // Pushed last to first, so they are visited (and reported) first to last.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const path: Path = { parent: step.path, key };
      stack.push({ kind: 'value', value: item, path });
      if (!Array.isArray(v) && unstorable.test(key)) stack.push({ kind: 'key', path });
    }
  }
  return found;
}

/** True when no string of a JSON body (value or object key) holds NUL or an unpaired surrogate. */
function allStorable(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!storable(v)) return false;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (!storable(key)) return false;
      stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return true;
}

/** The regular expression only for a string that holds NUL or a surrogate at all (a scan costs less). */
function storable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || (c & 0xf800) === 0xd800) return !unstorable.test(text);
  }
  return true;
}
