import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONSOLE_CSP } from '../../apps/api/console/console-files.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, keyIdOf, TEST_KEYS } from '../support/commands.js';

const consoleDir = new URL('../../apps/console/', import.meta.url);

describe('/console is served by the API under a strict CSP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('server', apiKeysEnv);
  }, 60_000);
  afterAll(async () => app?.close());

  it('serves the page with a CSP that allows nothing but this origin and no inline code', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/console' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(CONSOLE_CSP);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<script type="module" src="/console/app.js"></script>');
  });

  it('serves every file the page and its modules refer to, each with its type and the CSP, from this origin only', async () => {
    const page = (await app.app.inject({ method: 'GET', url: '/console' })).body;
    const referenced = new Set([...page.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]!));
    for (const name of await readdir(consoleDir)) {
      if (!name.endsWith('.js')) continue;
      const text = await readFile(new URL(name, consoleDir), 'utf8');
      for (const [, file] of text.matchAll(/from '\.\/([a-z-]+\.js)'/g)) referenced.add(`/console/${file}`);
    }
    expect(referenced.size).toBeGreaterThanOrEqual(9);
    for (const url of referenced) {
      const res = await app.app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.headers['content-type']).toMatch(
        url.endsWith('.css') ? /^text\/css/ : url.endsWith('.svg') ? /^image\/svg\+xml/ : /^text\/javascript/,
      );
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    }
  });

  it('has no inline script or style, no markup built from strings, no eval, and no other origin in its files', async () => {
    const page = await readFile(new URL('index.html', consoleDir), 'utf8');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const name of await readdir(consoleDir)) {
      const text = await readFile(new URL(name, consoleDir), 'utf8');
      expect({
        name,
        found: text.match(
          /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\('style'|https?:\/\/(?!www\.w3\.org\/2000\/svg['"])/g,
        ),
      }).toEqual({ name, found: null });
    }
  });

  it('answers 404 problem+json for a file it does not have, and never leaves its folder', async () => {
    for (const url of ['/console/nope.js', '/console/..%2Fapi%2Fmain.ts', '/console/%2E%2E%2Fpackage.json']) {
      const res = await app.app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('GET /whoami tells each key its id and role; no key is 401', async () => {
    for (const [role, key] of Object.entries(TEST_KEYS)) {
      const res = await app.app.inject({ method: 'GET', url: '/whoami', headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ keyId: keyIdOf(key), role });
    }
    expect((await app.app.inject({ method: 'GET', url: '/whoami' })).statusCode).toBe(401);
  });
});
