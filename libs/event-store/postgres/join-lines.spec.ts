import { describe, expect, it } from '@jest/globals';
import { joinLines } from './append.js';

describe('joinLines', () => {
  const cases: string[][] = [
    [],
    [''],
    ['', ''],
    ['one'],
    ['{"a":1}', '{"text":"Zoë — 脳震盪"}', '', '😀😀', '{"q":"\\"\\\\"}'],
    ['\ud800 lone', 'x'],
  ];

  it('writes the very bytes of the joined string, UTF-8, newline between lines', () => {
    for (const lines of cases) {
      const bytes = joinLines(lines, 'bytes') as Buffer;
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect(bytes.equals(Buffer.from(lines.join('\n'), 'utf8'))).toBe(true);
    }
  });

  it('joins into one string for stores that take strings', () => {
    for (const lines of cases) expect(joinLines(lines, 'string')).toBe(lines.join('\n'));
  });
});
