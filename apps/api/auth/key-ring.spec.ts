import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { hashKey, KeyRing } from './key-ring.js';

const serviceKey = 'service-key-0123456789abcdef';
const readerKey = 'reader-key-0123456789abcdefg';
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

describe('KeyRing.lookup', () => {
  const ring = new KeyRing([
    { role: 'service', sha256: hashKey(serviceKey) },
    { role: 'reader', sha256: hashKey(readerKey) },
  ]);

  it('finds the role of a known key, with the first 12 hex characters of its SHA-256 as id', () => {
    expect(ring.lookup(serviceKey)).toEqual({ keyId: sha256Hex(serviceKey).slice(0, 12), role: 'service' });
    expect(ring.lookup(readerKey)).toEqual({ keyId: sha256Hex(readerKey).slice(0, 12), role: 'reader' });
  });

  it('answers null for an unknown key, a near miss and the empty string', () => {
    expect(ring.lookup('not-a-key-0123456789abcdef')).toBeNull();
    expect(ring.lookup(`${serviceKey} `)).toBeNull();
    expect(ring.lookup(serviceKey.toUpperCase())).toBeNull();
    expect(ring.lookup('')).toBeNull();
  });

  it('gives another role’s key its own role, never the one asked about', () => {
    expect(ring.lookup(readerKey)?.role).not.toBe('service');
  });

  it('lists its keys by id and role only', () => {
    expect(ring.size).toBe(2);
    expect(JSON.stringify(ring.principals())).not.toContain(serviceKey);
    expect(ring.principals().map((p) => p.role)).toEqual(['service', 'reader']);
  });
});
