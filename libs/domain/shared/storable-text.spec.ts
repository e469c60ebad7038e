import { describe, expect, it } from '@jest/globals';
import { unstorableStrings } from './storable-text.js';

/** `depth` arrays nested in one another around `inner`. */
function nested(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('unstorableStrings', () => {
  it('finds NUL and unpaired surrogates in values and keys, by path, in document order', () => {
    expect(
      unstorableStrings({ a: 'ok', b: 'x\u0000', c: { 'k\ud800': 'fine', d: ['\udc00', 'a\ud83d\ude00'] } }),
    ).toEqual([
      { path: 'b', message: 'must not contain NUL characters or unpaired surrogates' },
      { path: 'c.k\ud800', message: 'field names must not contain NUL characters or unpaired surrogates' },
      { path: 'c.d.0', message: 'must not contain NUL characters or unpaired surrogates' },
    ]);
  });

  it('finds each kind alone, wherever it is (the quick check before the walk must not let one pass)', () => {
    const cases: [unknown, string][] = [
      [{ a: 'x\u0000' }, 'a'],
      [{ a: 'x\ud800' }, 'a'],
      [{ a: '\udc00x' }, 'a'],
      [{ a: '\ud83d\ude00\ud800' }, 'a'],
      [{ a: [{ b: [1, 'ok', '\u0000'] }] }, 'a.0.b.2'],
      [{ a: { 'k\u0000': 1 } }, 'a.k\u0000'],
      [['\udfff'], '0'],
      ['\u0000', ''],
    ];
    for (const [body, path] of cases) expect(unstorableStrings(body).map((e) => e.path)).toEqual([path]);
  });

  it('accepts paired surrogates (emoji) and ordinary text', () => {
    expect(unstorableStrings({ name: 'Zoë 😀', n: 3, ok: true, none: null })).toEqual([]);
  });

  it('defect 3: walks a value nested 100,000 deep without overflowing the stack', () => {
    expect(() => unstorableStrings(nested(100_000, 'x'))).not.toThrow();
    expect(unstorableStrings(nested(100_000, 'x\u0000'))).toEqual([
      { path: Array(100_000).fill('0').join('.'), message: expect.any(String) },
    ]);
  });
});
