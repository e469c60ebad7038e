import { describe, expect, it } from '@jest/globals';
import { isoInstant } from './iso-instant.js';

describe('isoInstant', () => {
  it('writes what toISOString writes, at the edges of the four-digit years and of days, months, leap years', () => {
    const edges = [
      '0000-01-01T00:00:00.000Z',
      '0000-02-29T23:59:59.999Z',
      '0001-01-01T00:00:00.000Z',
      '1899-12-31T23:59:59.999Z',
      '1900-02-28T12:00:00.000Z',
      '1900-03-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T00:00:00.001Z',
      '2024-12-31T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ].map((text) => new Date(text));
    for (const date of edges) expect(isoInstant(date)).toBe(date.toISOString());
  });

  it('writes what toISOString writes for 100,000 instants spread over 0000–9999', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const first = Date.parse('0000-01-01T00:00:00.000Z');
    const span = Date.parse('9999-12-31T23:59:59.999Z') - first;
    for (let i = 0; i < 100_000; i++) {
      const date = new Date(first + Math.floor(random() * span));
      if (isoInstant(date) !== date.toISOString()) expect(isoInstant(date)).toBe(date.toISOString());
    }
  });

  it('falls back to toISOString outside 0000–9999, and throws as it does for an invalid date', () => {
    const far = [new Date(Date.UTC(10000, 0, 1)), new Date(-62_167_219_200_001), new Date(8.64e15)];
    for (const date of far) expect(isoInstant(date)).toBe(date.toISOString());
    expect(() => isoInstant(new Date('not a date'))).toThrow(RangeError);
  });
});
