import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { BadRequest } from '../errors/http-errors.js';
import { enumListParam, instantParam, limitParam, parseQuery, pathId } from './query-params.js';

const schema = z
  .object({
    limit: limitParam(),
    status: enumListParam(['pending', 'failed']).optional(),
    since: instantParam().optional(),
  })
  .strict();

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequest) return error.errors;
    throw error;
  }
  throw new Error('expected a BadRequest');
}

describe('parseQuery', () => {
  it('applies the default limit and converts the values', () => {
    expect(parseQuery(schema, {})).toEqual({ limit: 100 });
    expect(parseQuery(schema, { limit: '500', status: 'failed,pending,failed', since: '2025-03-01' })).toEqual({
      limit: 500,
      status: ['failed', 'pending'],
      since: '2025-03-01T00:00:00.000Z',
    });
    expect(parseQuery(schema, { since: '2025-03-01T10:00:00+02:00' }).since).toBe('2025-03-01T08:00:00.000Z');
  });

  it('lists every bad or unknown parameter by name', () => {
    const errors = errorsOf(() => parseQuery(schema, { limit: '0', status: 'done', since: 'now', sort: 'asc' }));
    expect(errors?.map((e) => e.path).sort()).toEqual(['limit', 'since', 'sort', 'status']);
  });

  it('rejects times the database cannot hold (year 0, or a time zone pushing into it)', () => {
    expect(errorsOf(() => parseQuery(schema, { since: '0000-06-01' }))?.map((e) => e.path)).toEqual(['since']);
    expect(errorsOf(() => parseQuery(schema, { since: '0001-01-01T00:30:00+01:00' }))?.map((e) => e.path)).toEqual([
      'since',
    ]);
    expect(parseQuery(schema, { since: '0001-01-01' }).since).toBe('0001-01-01T00:00:00.000Z');
  });

  it('rejects a parameter given twice', () => {
    expect(errorsOf(() => parseQuery(schema, { limit: ['1', '2'] }))).toEqual([
      { path: 'limit', message: 'must be given once, as text' },
    ]);
  });
});

describe('pathId', () => {
  it('accepts SPEC §1 ids and rejects others with 400 naming the parameter', () => {
    expect(pathId('p-1.a:b_c')).toBe('p-1.a:b_c');
    for (const bad of ['', '-p', 'a b', 'x'.repeat(65), 'a/b'])
      expect(errorsOf(() => pathId(bad))).toEqual([{ path: 'id', message: expect.any(String) }]);
  });
});
