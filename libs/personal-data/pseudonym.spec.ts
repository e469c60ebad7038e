import { describe, expect, it } from '@jest/globals';
import { pseudonym } from './pseudonym.js';
import { newDataKey } from './wrap.js';

describe('pseudonym', () => {
  const key = newDataKey();

  it('is stable for one export key and differs between people', () => {
    expect(pseudonym(key, 'athlete-1')).toBe(pseudonym(key, 'athlete-1'));
    expect(pseudonym(key, 'athlete-1')).not.toBe(pseudonym(key, 'athlete-2'));
  });

  it('differs under another export key', () => {
    expect(pseudonym(newDataKey(), 'athlete-1')).not.toBe(pseudonym(key, 'athlete-1'));
  });

  it('is a short opaque id that does not contain the user id', () => {
    const value = pseudonym(key, 'athlete-1');
    expect(value).toMatch(/^anon_[A-Za-z0-9_-]{22}$/);
    expect(value).not.toContain('athlete');
  });
});
