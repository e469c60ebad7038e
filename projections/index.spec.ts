import { describe, expect, it } from '@jest/globals';
import { allProjections, projectionRegistry } from './index.js';

describe('the projection registry', () => {
  it('keys every projection by its own name, the 11 read models of SPEC §4', () => {
    for (const [key, projection] of Object.entries(projectionRegistry)) expect(projection.name).toBe(key);
    expect(allProjections.map((p) => p.name)).toEqual(Object.keys(projectionRegistry));
    expect(allProjections).toHaveLength(11);
  });
});
