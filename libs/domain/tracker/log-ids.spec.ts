import { describe, expect, it } from '@jest/globals';
import { hasLogId, noLogIds, withLogId, type LogIds } from './log-ids.js';

const adding = (ids: LogIds, ...logIds: string[]) => logIds.reduce(withLogId, ids);

describe('log ids of a tracker', () => {
  it('linear adds: holds every id added, and nothing else; each add extends the one shared map', () => {
    let ids = noLogIds();
    const added = Array.from({ length: 500 }, (_, i) => `log-${i}`);
    for (const id of added) ids = withLogId(ids, id);
    for (const id of added) expect(hasLogId(ids, id)).toBe(true);
    expect(hasLogId(ids, 'log-500')).toBe(false);
    expect(ids.size).toBe(500);
    const first = withLogId(noLogIds(), 'a');
    expect(withLogId(first, 'b').map).toBe(first.map); // O(1): no copy
  });

  it('an older version does not see the ids added after it', () => {
    const versions = [noLogIds()];
    for (let i = 0; i < 40; i++) versions.push(withLogId(versions[i]!, `a-${i}`));
    for (const [n, version] of versions.entries())
      for (let i = 0; i < 40; i++) expect(hasLogId(version, `a-${i}`)).toBe(i < n);
  });

  it('a branch from an older version does not see the other branch’s ids, nor the other branch its ids', () => {
    const base = adding(noLogIds(), 'a-1', 'a-2', 'a-3');
    const after = adding(base, 'b-1', 'b-2');
    const other = adding(base, 'c-1', 'c-2');
    const onward = withLogId(after, 'b-3');
    const branchOfAfter = withLogId(after, 'd-1'); // a branch of the first branch, after it went on
    expect(['a-1', 'a-2', 'a-3', 'b-1', 'b-2'].map((id) => hasLogId(after, id))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['c-1', 'c-2', 'b-3', 'd-1'].map((id) => hasLogId(after, id))).toEqual([false, false, false, false]);
    expect(['a-1', 'a-2', 'a-3', 'c-1', 'c-2'].map((id) => hasLogId(other, id))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['b-1', 'b-2', 'b-3', 'd-1'].map((id) => hasLogId(other, id))).toEqual([false, false, false, false]);
    expect(['b-1', 'b-2', 'b-3', 'd-1'].map((id) => hasLogId(onward, id))).toEqual([true, true, true, false]);
    expect(['b-1', 'b-2', 'b-3', 'd-1'].map((id) => hasLogId(branchOfAfter, id))).toEqual([true, true, false, true]);
    expect(['c-1', 'c-2'].map((id) => hasLogId(branchOfAfter, id))).toEqual([false, false]);
    expect(['b-1', 'b-2', 'c-1', 'c-2'].map((id) => hasLogId(base, id))).toEqual([false, false, false, false]);
    // a branch adding the id the other branch added first: both hold it, the base still does not
    const same = withLogId(base, 'b-1');
    expect(hasLogId(same, 'b-1')).toBe(true);
    expect(hasLogId(same, 'b-2')).toBe(false);
    expect(hasLogId(after, 'b-1')).toBe(true);
    expect(hasLogId(base, 'b-1')).toBe(false);
  });

  it('the import’s restore: put back the state before a rejected row, and go on from it', () => {
    let ids = adding(noLogIds(), 'l-1', 'l-2');
    const before = ids;
    ids = adding(ids, 'rejected-1', 'rejected-2'); // the row's commands, then the row is rejected
    ids = before;
    ids = adding(ids, 'l-3', 'l-4');
    expect(['l-1', 'l-2', 'l-3', 'l-4'].every((id) => hasLogId(ids, id))).toBe(true);
    expect(hasLogId(ids, 'rejected-1') || hasLogId(ids, 'rejected-2')).toBe(false);
    expect(ids.size).toBe(4);
    expect(withLogId(ids, 'l-5').map).toBe(ids.map); // the branch goes on linearly
  });

  it('duplicates: adding an id the version holds gives the same version; later versions still hold it', () => {
    const ids = adding(noLogIds(), 'l-1', 'l-2');
    expect(withLogId(ids, 'l-1')).toBe(ids);
    const next = adding(ids, 'l-2', 'l-3', 'l-1');
    expect(next.size).toBe(3);
    expect(['l-1', 'l-2', 'l-3'].map((id) => hasLogId(next, id))).toEqual([true, true, true]);
    expect(hasLogId(ids, 'l-3')).toBe(false);
  });

  it('treats names of Object.prototype as ordinary ids', () => {
    expect(hasLogId(noLogIds(), 'constructor')).toBe(false);
    expect(hasLogId(noLogIds(), 'toString')).toBe(false);
    const ids = adding(noLogIds(), '__proto__', 'constructor');
    expect(hasLogId(ids, '__proto__')).toBe(true);
    expect(hasLogId(ids, 'constructor')).toBe(true);
    expect(hasLogId(ids, 'hasOwnProperty')).toBe(false);
  });
});
