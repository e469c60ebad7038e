import { describe, expect, it } from '@jest/globals';
import { comparePositions, parsePosition, positionToString } from '../position.js';
import { isKnownPosition, packPosition, unpackPosition } from './esdb-position.js';

const U64_MAX = (1n << 64n) - 1n;

describe('EventStoreDB positions packed into one number', () => {
  it('keeps commit and prepare whole, through the decimal string form', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 1n, prepare: 1n },
      { commit: 9_007_199_254_740_993n, prepare: 9_007_199_254_740_991n },
      { commit: U64_MAX - 1n, prepare: U64_MAX - 1n },
    ]) {
      const packed = packPosition(position);
      expect(unpackPosition(parsePosition(positionToString(packed)))).toEqual(position);
    }
  });

  it('orders by commit, then prepare, as numbers and never as strings', () => {
    const positions = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 3n },
      { commit: 10n, prepare: 10n },
      { commit: 48n, prepare: 48n },
      { commit: 55n, prepare: 0n },
    ].map(packPosition);
    expect([...positions].sort(comparePositions)).toEqual(positions);
    // 885… (21 digits) before 1014… (22 digits): string order would put them the other way round.
    const [earlier, later] = [positions[3]!, positions[4]!];
    expect(positionToString(earlier) > positionToString(later)).toBe(true);
    expect(comparePositions(earlier, later)).toBeLessThan(0);
  });

  it('rejects halves outside 64 bits and values outside 128 bits', () => {
    expect(() => packPosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => packPosition({ commit: 0n, prepare: U64_MAX + 1n })).toThrow(RangeError);
    expect(() => unpackPosition(1n << 128n)).toThrow(RangeError);
  });

  it("treats ESDB's no-position marker (ulong.MaxValue) as unknown", () => {
    expect(isKnownPosition({ commit: U64_MAX, prepare: U64_MAX })).toBe(false);
    expect(isKnownPosition(undefined)).toBe(false);
    expect(isKnownPosition({ commit: 5n, prepare: 5n })).toBe(true);
  });
});
