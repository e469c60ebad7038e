import { code, date, firstInstant, flag, jsonValue, numeric, text, timestamp, upperCode } from './row-values.js';

describe('legacy values', () => {
  it('codes as the domain spells them', () => {
    expect(code('No-Show')).toBe('no_show');
    expect(code('follow-up')).toBe('follow_up');
    expect(code(' In Person ')).toBe('in_person');
    expect(code(null)).toBeUndefined();
    expect(upperCode('X-Ray')).toBe('XRAY');
  });

  it('timestamps keep their offset; a timestamp without time zone is UTC', () => {
    expect(timestamp('2025-03-01T09:00:00+00:00')).toBe('2025-03-01T09:00:00+00:00');
    expect(timestamp('2025-03-01T09:00:00.123456')).toBe('2025-03-01T09:00:00.123456Z');
    expect(firstInstant(null, 'nonsense', '2025-03-01T09:00:00')?.toISOString()).toBe('2025-03-01T09:00:00.000Z');
  });

  it('a date kept as a midnight timestamp is its date; any other timestamp is left for the schema to refuse', () => {
    expect(date('2001-02-03T00:00:00+00:00')).toBe('2001-02-03');
    expect(date('2001-02-03')).toBe('2001-02-03');
    expect(date('2001-02-03T10:00:00+00:00')).toBe('2001-02-03T10:00:00+00:00');
  });

  it('yes/no as booleans, SQLite 1/0 included; anything else is unreadable', () => {
    expect([true, 1, 't', 'TRUE', 'yes'].map(flag)).toEqual([true, true, true, true, true]);
    expect([false, 0, 'f', 'no'].map(flag)).toEqual([false, false, false, false]);
    expect(flag('maybe')).toBeNull();
    expect(flag(2)).toBeNull();
  });

  it('numbers and text across storage types; JSON kept as text is parsed', () => {
    expect(numeric('80.50')).toBe(80.5);
    expect(numeric('eighty')).toBe('eighty');
    expect(text(7)).toBe('7');
    expect(jsonValue('{"camera":"wide"}')).toEqual({ camera: 'wide' });
    expect(jsonValue({ a: 1 })).toEqual({ a: 1 });
  });
});
