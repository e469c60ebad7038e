import { describe, expect, it } from '@jest/globals';
import { groupedInteger } from './progress-bar.js';

describe('groupedInteger', () => {
  it("writes what toLocaleString('en') writes for integers, rounding as Math.round", () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 91_121, 123_456_789, -1, -1234, -999_999])
      expect(groupedInteger(n)).toBe(n.toLocaleString('en'));
    expect(groupedInteger(31_384.6)).toBe('31,385');
    expect(groupedInteger(2.5)).toBe('3');
  });
});
