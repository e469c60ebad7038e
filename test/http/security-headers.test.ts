import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS } from '../support/commands.js';

/** SPEC §10: patient data with Cache-Control: no-store and the usual security headers; failed authentications throttled. */
describe('patient data in transit [embedded store]', () => {
  let app: TestApp;
  let position: string;
  beforeAll(async () => {
    app = await startTestApp('embedded', { ...apiKeysEnv, AUTH_FAILURE_LIMIT: '3' });
    position = (
      await commandClient(app).ok('RegisterPatient', { patientId: 'p1', firstName: 'Ada', lastName: 'Lovelace' })
    ).position;
  });
  afterAll(async () => app?.close());

  const get = (url: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    app.app.inject({ method: 'GET', url, headers, remoteAddress });

  function expectSecurityHeaders(headers: Record<string, unknown>) {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-frame-options']).toBeDefined();
    const csp = String(headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
  }

  it('defect 7: queries, exports, commands and errors carry Cache-Control: no-store and the security headers', async () => {
    const reader = { authorization: `Bearer ${TEST_KEYS.reader}`, 'x-min-position': position };
    const responses = [
      await get('/patients/p1', reader),
      await get('/patients/p1/timeline', reader),
      await get('/exports/tracker', { ...reader, accept: 'text/csv' }),
      await get('/audit/streams/patient-p1', { authorization: `Bearer ${TEST_KEYS.auditor}` }),
      await get('/patients/p1'), // 401
      await get('/patients/nobody', { authorization: `Bearer ${TEST_KEYS.reader}` }), // 404
      await app.app.inject({
        method: 'POST',
        url: '/commands/RegisterDoctor',
        headers: { authorization: `Bearer ${TEST_KEYS.service}`, 'content-type': 'application/json' },
        payload: { doctorId: 'd-sec', name: 'Dr Sec' },
      }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 401, 404, 201]);
    for (const res of responses) {
      expect(res.headers['cache-control']).toBe('no-store');
      expectSecurityHeaders(res.headers);
    }
  });

  it('/docs works under the Content Security Policy: only same-origin script files, no inline script', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page.headers);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(inline!.trim()).toBe('');
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
      expect(src).toMatch(/^\/docs\//);
      const file = await get(src!);
      expect([src, file.statusCode]).toEqual([src, 200]);
      expect(file.headers['content-type']).toMatch(/javascript/);
    }
    expect(page.body).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    const css = await get('/docs/swagger-ui.css');
    expect(css.headers['cache-control']).toBe('public, max-age=86400'); // static files keep their own caching
    expect((await get('/docs/openapi.json')).statusCode).toBe(200);
  });

  it('defect 7: after AUTH_FAILURE_LIMIT wrong keys from one address it answers 429 with Retry-After; others are served', async () => {
    const wrong = { authorization: 'Bearer not-a-key-of-this-service-at-all' };
    for (let i = 0; i < 3; i++) expect((await get('/patients', wrong, '192.0.2.7')).statusCode).toBe(401);
    const blocked = await get('/patients', { authorization: `Bearer ${TEST_KEYS.reader}` }, '192.0.2.7');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'too_many_failed_authentications' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expectSecurityHeaders(blocked.headers);
    expect((await get('/patients', { authorization: `Bearer ${TEST_KEYS.reader}` }, '192.0.2.8')).statusCode).toBe(200);
  });
});
