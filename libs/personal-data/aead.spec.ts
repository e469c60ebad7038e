import { describe, expect, it } from '@jest/globals';
import { open, seal } from './aead.js';
import { newDataKey } from './wrap.js';

describe('aead', () => {
  const key = newDataKey();
  const aad = Buffer.from('caretrack:pd:v1:e1');

  it('opens what it sealed, and only with the same associated data', () => {
    const sealed = seal(key, Buffer.from('{"notes":"x"}'), aad);
    expect(open(key, sealed, aad)?.toString()).toBe('{"notes":"x"}');
    expect(open(key, sealed, Buffer.from('caretrack:pd:v1:e2'))).toBeNull();
  });

  it('never repeats an IV, across refills of the IV pool (4,096 IVs each)', () => {
    const ivs = new Set<string>();
    const count = 3 * 4096 + 7;
    for (let i = 0; i < count; i++) {
      const sealed = seal(key, Buffer.from('x'), aad);
      ivs.add(sealed.subarray(0, 12).toString('hex'));
      if (i % 1000 === 0) expect(open(key, sealed, aad)?.toString()).toBe('x');
    }
    expect(ivs.size).toBe(count);
  });
});
