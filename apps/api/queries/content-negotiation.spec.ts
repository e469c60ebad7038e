import { describe, expect, it } from '@jest/globals';
import { prefersCsv } from './content-negotiation.js';

describe('prefersCsv', () => {
  it.each([
    ['text/csv', true],
    ['TEXT/CSV; charset=utf-8', true],
    ['application/json;q=0.5, text/csv', true],
    ['text/csv;q=0.9, application/json;q=0.1', true],
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['application/json, text/csv', false],
    ['text/csv;q=0', false],
    ['text/csv;q=0.5, application/json', false],
    ['text/*', false],
  ])('Accept %j → CSV: %s', (accept, csv) => {
    expect(prefersCsv(accept)).toBe(csv);
  });
});
