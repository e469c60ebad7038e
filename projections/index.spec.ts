import { describe, expect, it } from '@jest/globals';
import { allProjections, projectionRegistry } from './index.js';
import { readTables } from './read-database.js';

describe('the projection registry', () => {
  it('keys every projection by its own name, the 11 read models of SPEC §4', () => {
    for (const [key, projection] of Object.entries(projectionRegistry)) expect(projection.name).toBe(key);
    expect(allProjections.map((p) => p.name)).toEqual(Object.keys(projectionRegistry));
    expect(allProjections).toHaveLength(11);
  });
});

describe('the read database type', () => {
  it('lists exactly the tables the projections declare', () => {
    const declared = allProjections.flatMap((p) => p.tableDefs);
    expect([...readTables].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...declared].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });
});
