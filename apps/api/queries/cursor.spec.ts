import { describe, expect, it } from '@jest/globals';
import { anyKey, decodeCursor, encodeCursor, idKey, intKey, timeKey } from './cursor.js';

describe('paging cursors', () => {
  const time = '2025-03-01T09:30:00.123456Z';

  it('round-trips the sort key of its own list', () => {
    const cursor = encodeCursor('timeline', [time, '3f2a:stage']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('timeline', cursor, [timeKey, anyKey])).toEqual([time, '3f2a:stage']);
  });

  it('rejects a cursor of another list, of another shape, or garbled', () => {
    const patients = encodeCursor('patients', ['p-1']);
    expect(decodeCursor('timeline', patients, [timeKey, anyKey])).toBeNull();
    expect(decodeCursor('patients', patients, [idKey, idKey])).toBeNull();
    expect(decodeCursor('patients', 'not base64!', [idKey])).toBeNull();
    expect(decodeCursor('patients', Buffer.from('{"a":1}').toString('base64url'), [idKey])).toBeNull();
    expect(decodeCursor('patients', Buffer.from('not json').toString('base64url'), [idKey])).toBeNull();
  });

  it('checks each value: a microsecond UTC time, an id, an integer', () => {
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify(['kpis', ...values])).toString('base64url');
    expect(decodeCursor('kpis', forged([time, '7']), [timeKey, intKey])).toEqual([time, '7']);
    expect(decodeCursor('kpis', forged(['2025-03-01T09:30:00Z', '7']), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged(['2025-02-30T09:30:00.000000Z', '7']), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged(['0000-01-01T00:00:00.000000Z', '7']), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged([time, '-7']), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged([time, '2147483648']), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged([time, 7]), [timeKey, intKey])).toBeNull();
    expect(decodeCursor('kpis', forged(["p'1"]), [idKey])).toBeNull();
    expect(decodeCursor('kpis', forged(['a\u0000b']), [anyKey])).toBeNull();
  });
});
