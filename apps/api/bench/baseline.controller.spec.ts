import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../test/support/app.js';

const SERVICE_KEY = 'bench-service-key-0123456789abcdef';
const READER_KEY = 'bench-reader-key-0123456789abcdefg';
const keys = { API_KEYS: `service:${SERVICE_KEY},reader:${READER_KEY}` };
const post = (app: TestApp, body: unknown, key?: string) =>
  app.app.inject({
    method: 'POST',
    url: '/bench/baseline',
    payload: body as object,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });

describe('POST /bench/baseline with BENCH_ENDPOINTS=1', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { ...keys, BENCH_ENDPOINTS: '1' });
  });
  afterAll(async () => app?.close());

  it('inserts one row and answers 201 with its id', async () => {
    const res = await post(app, { clientId: 'c1', seq: 0 }, SERVICE_KEY);
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    const { rows } = await sql<{
      payload: unknown;
    }>`SELECT payload FROM caretrack_bench.baseline_rows WHERE id = ${id}::bigint`.execute(
      app.infrastructure.database.db,
    );
    expect(rows).toEqual([{ payload: { clientId: 'c1', seq: 0 } }]);
  });

  it('rejects a bad body with 400 and every bad field', async () => {
    const res = await post(app, { clientId: '', seq: -1, extra: true }, SERVICE_KEY);
    expect(res.statusCode).toBe(400);
    const paths = res
      .json<{ errors: { path: string }[] }>()
      .errors.map((e) => e.path)
      .sort();
    expect(paths).toEqual(['clientId', 'extra', 'seq']);
  });

  it('needs a key of a command role, as commands do', async () => {
    expect((await post(app, { clientId: 'c1', seq: 1 })).statusCode).toBe(401);
    expect((await post(app, { clientId: 'c1', seq: 1 }, READER_KEY)).statusCode).toBe(403);
  });
});

describe('POST /bench/baseline without BENCH_ENDPOINTS', () => {
  it('is not mounted', async () => {
    const app = await startTestApp('embedded', keys);
    try {
      expect((await post(app, { clientId: 'c1', seq: 0 }, SERVICE_KEY)).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
