import { describe, expect, it } from '@jest/globals';
import { hasLogId, withLogId, type LogIds } from './log-ids.js';

describe('log ids of a tracker', () => {
  it('holds every id added, over many links and flattenings, and nothing else', () => {
    let ids: LogIds = {};
    const added = Array.from({ length: 500 }, (_, i) => `log-${i}`);
    for (const id of added) ids = withLogId(ids, id);
    for (const id of added) expect(hasLogId(ids, id)).toBe(true);
    expect(hasLogId(ids, 'log-500')).toBe(false);
    const enumerated: string[] = [];
    for (const key in ids) enumerated.push(key);
    expect(enumerated.sort()).toEqual([...added].sort());
  });

  it('never changes a state it was given: an earlier state does not see later ids', () => {
    let ids: LogIds = {};
    for (let i = 0; i < 40; i++) ids = withLogId(ids, `a-${i}`);
    const before = ids;
    const after = withLogId(withLogId(before, 'b-1'), 'b-2');
    expect(hasLogId(before, 'b-1')).toBe(false);
    expect(hasLogId(after, 'b-1')).toBe(true);
    // two branches from one state stay apart
    const other = withLogId(before, 'c-1');
    expect(hasLogId(other, 'b-1')).toBe(false);
    expect(hasLogId(after, 'c-1')).toBe(false);
  });

  it('treats names of Object.prototype as ordinary ids', () => {
    expect(hasLogId({}, 'constructor')).toBe(false);
    expect(hasLogId({}, 'toString')).toBe(false);
    const ids = withLogId(withLogId({}, '__proto__'), 'constructor');
    expect(hasLogId(ids, '__proto__')).toBe(true);
    expect(hasLogId(ids, 'constructor')).toBe(true);
    expect(hasLogId(ids, 'hasOwnProperty')).toBe(false);
  });

  it('accepts a plain record as a state (as bench/projections builds one)', () => {
    expect(hasLogId({ 'log-1': true }, 'log-1')).toBe(true);
    expect(hasLogId(withLogId({ 'log-1': true }, 'log-2'), 'log-1')).toBe(true);
  });
});
