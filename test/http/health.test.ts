import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';

describe.each<Topology>(['embedded', 'server'])('health and readiness [%s store]', (topology) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(topology);
  });
  afterAll(async () => app?.close());

  it('GET /health answers 200 while the process lives', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 when both stores answer', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', eventStore: 'up', readStore: 'up' });
  });

  it('an unknown route is a problem+json 404', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('readiness when the store is gone', () => {
  it('GET /ready answers 503 problem+json once the database is closed', async () => {
    const app = await startTestApp('server');
    try {
      await app.infrastructure.database.close();
      const res = await app.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, code: 'unavailable' });
      expect(res.body).not.toMatch(/pool|pg|Error:/i);
    } finally {
      await app.close();
    }
  });
});
