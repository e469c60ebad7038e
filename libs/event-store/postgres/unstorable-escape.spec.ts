import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../integrity-hash.js';
import { holdsUnstorableEscape } from './append.js';

describe('holdsUnstorableEscape', () => {
  const both = (value: unknown) => {
    const text = canonicalJson(value);
    const fromString = holdsUnstorableEscape(text);
    expect(holdsUnstorableEscape(Buffer.from(text, 'utf8'))).toBe(fromString);
    return fromString;
  };

  it('finds NUL and unpaired surrogates, in values and in keys, at any depth', () => {
    expect(both({ text: 'a\u0000b' })).toBe(true);
    expect(both({ text: 'x\ud800' })).toBe(true);
    expect(both({ text: '\udc00y' })).toBe(true);
    expect(both({ deep: [{ list: ['fine', '\udbff'] }] })).toBe(true);
    expect(both({ ['key\u0000']: 1 })).toBe(true);
  });

  it('passes everything else: paired surrogates, other escapes, and backslashes that only look like one', () => {
    expect(both({ emoji: '😀 é “quoted”', control: '\u0001\u001f\t\n' })).toBe(false);
    // a backslash followed by the letters u0000 is not an escape of NUL
    expect(both({ path: 'C:\\u0000\\ud800' })).toBe(false);
    expect(both({ path: '\\\\u0000' })).toBe(false);
    // …but an escaped backslash followed by a real NUL is
    expect(both({ path: '\\\u0000' })).toBe(true);
    expect(both({})).toBe(false);
    expect(holdsUnstorableEscape('"\\u00')).toBe(false);
  });
});
