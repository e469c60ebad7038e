import { describe, expect, it } from '@jest/globals';
import { KeyCache } from './key-cache.js';
import { newDataKey } from './wrap.js';

describe('KeyCache', () => {
  const live = () => ({ state: 'active', key: newDataKey() }) as const;

  it('holds at most maxEntries subjects, dropping the least recently used', () => {
    const cache = new KeyCache({ maxEntries: 2 });
    cache.set('a', live());
    cache.set('b', live());
    cache.get('a');
    cache.set('c', live());
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('forgets a live key after maxAgeMs but never an erasure', () => {
    let now = 0;
    const cache = new KeyCache({ maxAgeMs: 1000, now: () => now });
    cache.set('live', live());
    cache.set('gone', { state: 'erased' });
    now = 1001;
    expect(cache.get('live')).toBeUndefined();
    expect(cache.get('gone')).toEqual({ state: 'erased' });
  });

  it('lists the subjects whose live key it holds', () => {
    const cache = new KeyCache();
    cache.set('a', live());
    cache.set('b', { state: 'erased' });
    expect(cache.activeSubjects()).toEqual(['a']);
  });
});
