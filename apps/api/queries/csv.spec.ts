import { describe, expect, it } from '@jest/globals';
import { csvField, toCsv } from './csv.js';

describe('toCsv', () => {
  it('writes a header row and one CRLF-ended record per row, in column order', () => {
    const csv = toCsv({ user_id: 'text', severity: 'integer', stale: 'boolean?' }, [
      { severity: 3, user_id: 'p1', stale: true },
      { severity: 0, user_id: 'p2', stale: null },
    ]);
    expect(csv).toBe('user_id,severity,stale\r\np1,3,true\r\np2,0,\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv({ a: 'text', b: 'text' }, [])).toBe('a,b\r\n');
  });
});

describe('csvField (RFC 4180 §2.6–2.7)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['line\nfeed', '"line\nfeed"'],
    [' padded ', '" padded "'],
    ['', ''],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes null as an empty field, numbers and booleans as text, objects as quoted JSON', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(120.5)).toBe('120.5');
    expect(csvField(false)).toBe('false');
    expect(csvField({ walk: 1200, jog: 60 })).toBe('"{""walk"":1200,""jog"":60}"');
  });
});

describe('csvField against formula injection (OWASP)', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
    ['=1+2', "'=1+2"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', '"\'\r=1+2"'],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])('defect 6: %j is written as text, not a formula: %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('leaves numbers, plain numeric text and ordinary text as they are', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField('-1.5')).toBe('-1.5');
    expect(csvField('+44')).toBe('+44');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('football')).toBe('football');
  });
});
