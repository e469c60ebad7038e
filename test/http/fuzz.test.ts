import { commandRegistry, type CommandName } from '../../libs/domain/commands.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, eventLog, TEST_KEYS } from '../support/commands.js';
import {
  breakingValues,
  parameters,
  resolve,
  seededRandom,
  validValue,
  type OpenApiDocument,
  type Parameter,
  type Schema,
} from '../support/openapi-fuzz.js';

const SEED = 20261201;
const LEAK = /at .+\.(ts|js):\d+|ZodError|SELECT|INSERT|stack|node_modules/;

/** One hostile request, and the field (body path, query parameter or header) it breaks, if one. */
type Case = {
  label: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  /** the field an error must name (`errors[].path`), when a field is at fault */
  field?: string;
  remoteAddress?: string;
  /** a request that may also be served (200): only "no 5xx" and the headers are checked */
  mayPass?: boolean;
};

/**
 * Hostile input generated from the OpenAPI document (/docs/openapi.json) for every command and
 * query: missing and wrong-typed fields, out-of-range values, over-long strings, NUL and lone
 * surrogates, invalid UTF-8, 10,000-deep nesting, 2 MB bodies, bad headers and bad query and
 * path parameters. Seeded, so every run sends the same requests. Nothing may answer 5xx; every
 * error is problem+json naming the field at fault; no event is appended.
 */
describe('fuzz: hostile input from the OpenAPI document [embedded store]', () => {
  let app: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    app = await startTestApp('embedded', apiKeysEnv);
    const res = await app.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as OpenApiDocument;
  });
  afterAll(async () => app?.close());

  function commandCases(random: () => number): Case[] {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    const cases: Case[] = [];
    const commands = Object.keys(doc.paths).filter((path) => path.startsWith('/commands/'));
    expect(commands.length).toBe(18); // SPEC §2's 17 and ErasePatient (§9)
    for (const path of commands) {
      const schema = doc.paths[path]!['post']!.requestBody!.content['application/json']!.schema;
      const check = ajv.compile({ $ref: `openapi${schema.$ref}` });
      const body = resolve(doc, schema);
      const base = validValue(doc, schema) as Record<string, unknown>;
      expect({ path, valid: check(base) }).toEqual({ path, valid: true }); // the generator understands the schema
      const post = (label: string, payload: unknown, field?: string, headers: Record<string, string> = {}): Case => ({
        label: `${path} ${label}`,
        method: 'POST',
        url: path,
        // each command with a key of its own role (admin for ErasePatient), so validation is what answers
        headers: {
          authorization: `Bearer ${TEST_KEYS[commandRegistry[path.slice('/commands/'.length) as CommandName].roles[0]!]}`,
          'content-type': 'application/json',
          ...headers,
        },
        payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
        field,
      });
      const broken = (label: string, value: Record<string, unknown>, field: string) => {
        // Only bodies the schema itself refuses: a valid one could be appended.
        expect({ label: `${path} ${label}`, schemaRefuses: !check(value) }).toEqual({
          label: `${path} ${label}`,
          schemaRefuses: true,
        });
        cases.push(post(label, value, field));
      };
      for (const name of body.required ?? []) {
        const { [name]: _gone, ...rest } = base;
        broken(`without ${name}`, rest, name);
      }
      for (const [name, property] of Object.entries(body.properties ?? {})) {
        for (const mutation of breakingValues(doc, property, random))
          broken(`${name}: ${mutation.what}`, { ...base, [name]: mutation.value }, name);
        const p = resolve(doc, property);
        const isString = p.type === 'string';
        const text = isString ? String(validValue(doc, property)) : 'x';
        cases.push(post(`${name}: NUL`, { ...base, [name]: `${text}\u0000` }, name));
        cases.push(post(`${name}: lone surrogate`, { ...base, [name]: `${text}\ud800` }, name));
        cases.push(
          post(
            `${name}: nested 10,000 deep`,
            `${JSON.stringify(base).slice(0, -1)}${Object.keys(base).length ? ',' : ''}"${name}":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
            name,
          ),
        );
      }
      broken('an unknown field', { ...base, zzUnknown: 1 }, 'zzUnknown');
      // Two fields broken at once (seeded choice): both are named.
      const names = Object.keys(body.properties ?? {});
      if (names.length >= 2) {
        const a = names[Math.floor(random() * names.length)]!;
        const b = names.filter((n) => n !== a)[Math.floor(random() * (names.length - 1))]!;
        const va = breakingValues(doc, body.properties![a]!, random)[0];
        const vb = breakingValues(doc, body.properties![b]!, random)[0];
        if (va && vb) {
          broken(`${a} and ${b} both broken`, { ...base, [a]: va.value, [b]: vb.value }, a);
          cases.push({
            ...post(`${a} and ${b} both broken (second field)`, { ...base, [a]: va.value, [b]: vb.value }),
            field: b,
          });
        }
      }
      const firstString =
        Object.entries(body.properties ?? {}).find(([, p]) => resolve(doc, p).type === 'string')?.[0] ?? 'x';
      cases.push(
        post(
          'invalid UTF-8 in a string',
          Buffer.concat([Buffer.from(`{"${firstString}":"a`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
        ),
      );
      cases.push(post('a 2 MB body', JSON.stringify({ ...base, [firstString]: 'x'.repeat(2 * 1024 * 1024) })));
      for (const bare of ['[]', '"text"', '42', 'null', 'true', '{', '{"a":1,}', '\ufeff{}'])
        cases.push(post(`body ${JSON.stringify(bare)}`, bare));
      // Bad headers with an otherwise valid body: refused before anything is appended.
      cases.push(post('If-Match not a revision', base, 'If-Match', { 'if-match': 'abc' }));
      cases.push(post('If-Match negative', base, 'If-Match', { 'if-match': '-1' }));
      cases.push(post('If-Match beyond 64 bits', base, 'If-Match', { 'if-match': '99999999999999999999999' }));
      cases.push(post('Idempotency-Key too long', base, 'Idempotency-Key', { 'idempotency-key': 'k'.repeat(256) }));
      cases.push(post('Idempotency-Key with spaces', base, 'Idempotency-Key', { 'idempotency-key': 'a key' }));
      cases.push(post('X-Correlation-Id not printable', base, 'X-Correlation-Id', { 'x-correlation-id': 'a\tb' }));
      cases.push(post('Content-Type text/plain', JSON.stringify(base), undefined, { 'content-type': 'text/plain' }));
      cases.push(post('Content-Type form', 'a=1', undefined, { 'content-type': 'application/x-www-form-urlencoded' }));
      cases.push({
        ...post('a wrong key', base, undefined, { authorization: 'Bearer not-a-key-xxxxxxxxxxxxxxxxxxxx' }),
        remoteAddress: '198.51.100.1',
      });
      cases.push({
        ...post('a malformed Authorization', base, undefined, { authorization: `Basic ${'\u00ff'.repeat(3)}` }),
        remoteAddress: '198.51.100.2',
      });
      cases.push(post('a reader key', base, undefined, { authorization: `Bearer ${TEST_KEYS.reader}` }));
    }
    cases.push({
      label: 'unknown command',
      method: 'POST',
      url: '/commands/DropAllTables',
      headers: { authorization: `Bearer ${TEST_KEYS.service}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    return cases;
  }

  function queryCases(random: () => number): Case[] {
    const cases: Case[] = [];
    // The query API of SPEC §5 (admin, audit, metrics, whoami and the console have their own roles and cases).
    const notQueries = ['/health', '/ready', '/docs', '/admin/', '/audit/', '/metrics', '/whoami', '/console'];
    const queries = Object.entries(doc.paths).filter(
      ([path, ops]) => ops['get'] && !notQueries.some((prefix) => path === prefix || path.startsWith(prefix)),
    );
    expect(queries.length).toBe(14); // SPEC §5
    const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };
    for (const [path, ops] of queries) {
      const params = parameters(doc, ops['get']!);
      const pathParams = params.filter((p) => p.in === 'path');
      const fill = (values: Record<string, string> = {}) =>
        path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? 'fz-1');
      const get = (label: string, url: string, field?: string, headers: Record<string, string> = {}): Case => ({
        label: `GET ${path} ${label}`,
        method: 'GET',
        url,
        headers: { ...reader, ...headers },
        field,
      });
      for (const p of pathParams) {
        for (const [what, value] of [
          ['off the id pattern', '-bad'],
          ['65 characters', 'a'.repeat(65)],
          ['NUL', 'a%00b'],
          ['invalid UTF-8', 'a%FFb'],
          ['a lone surrogate', 'a%ED%A0%80b'],
          ['a space', 'a%20b'],
          ['10,000 characters', 'a'.repeat(10_000)],
        ] as const) {
          cases.push(get(`${p.name}: ${what}`, fill({ [p.name]: value }), p.name));
        }
      }
      for (const p of params.filter((x) => x.in === 'query')) {
        const breaking: [string, string][] = [
          ['NUL', '%00'],
          ['invalid UTF-8', '%FF%FE'],
          ['a lone surrogate', '%ED%A0%80'],
          ['10,000 characters', 'z'.repeat(10_000)],
          ['garbage', '!!not*valid'],
        ];
        const s = resolve(doc, p.schema as Schema);
        if (s.type === 'integer')
          breaking.push(
            ['not a number', 'abc'],
            ['a fraction', '1.5'],
            ['below the minimum', String((s.minimum ?? 0) - 1)],
            ['above the maximum', String((s.maximum ?? 1e9) + 1)],
            ['beyond 2^53', '99999999999999999999'],
          );
        for (const [what, value] of breaking) {
          if (s.type === 'string' && !s.pattern && what === 'garbage' && p.name === 'status') continue;
          cases.push(get(`?${p.name}: ${what}`, `${fill()}?${p.name}=${value}`, p.name));
        }
        cases.push(get(`?${p.name} twice`, `${fill()}?${p.name}=1&${p.name}=2`, p.name));
      }
      cases.push(get('an unknown query parameter', `${fill()}?zzUnknown=1`, 'zzUnknown'));
      for (const [what, value] of [
        ['not a number', 'abc'],
        ['negative', '-1'],
        ['a fraction', '1.5'],
        ['empty', ' '],
      ] as const) {
        cases.push(get(`X-Min-Position ${what}`, fill(), 'X-Min-Position', { 'x-min-position': value }));
      }
      cases.push(
        get('a command key of the wrong role', fill(), undefined, { authorization: `Bearer ${TEST_KEYS.auditor}` }),
      );
      cases.push({
        ...get('a wrong key', fill(), undefined, { authorization: 'Bearer not-a-key-xxxxxxxxxxxxxxxxxxxx' }),
        remoteAddress: '198.51.100.3',
      });
      cases.push({
        ...get('Accept: something odd', fill(), undefined, { accept: 'application/x-nothing, */*;q=0' }),
        mayPass: true,
      });
      void random;
    }
    return cases;
  }

  it('defects 3, 4 and the rest: no 5xx, every error problem+json naming its field, no event appended', async () => {
    const random = seededRandom(SEED);
    const cases = [...commandCases(random), ...queryCases(random)];
    expect(cases.length).toBeGreaterThan(1000);
    const log = await eventLog(app).mark();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (const c of cases) {
      const res = await app.app.inject({
        method: c.method,
        url: c.url,
        headers: c.headers,
        payload: c.payload,
        remoteAddress: c.remoteAddress ?? '127.0.0.1',
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const problem = (() => {
        try {
          return res.json() as { status?: number; code?: string; errors?: { path: string }[] };
        } catch {
          return null;
        }
      })();
      const why: string[] = [];
      if (res.statusCode >= 500) why.push(`status ${res.statusCode}`);
      if (res.statusCode < 400 && !c.mayPass) why.push(`accepted (${res.statusCode})`);
      if (res.headers['cache-control'] !== 'no-store' || res.headers['x-content-type-options'] !== 'nosniff')
        why.push('without no-store and the security headers');
      if (res.statusCode >= 400) {
        if (!String(res.headers['content-type']).startsWith('application/problem+json'))
          why.push(`content-type ${String(res.headers['content-type'])}`);
        if (problem?.status !== res.statusCode || !problem.code) why.push('no problem body');
        if (LEAK.test(res.body)) why.push('leaks internals');
      }
      if (
        c.field !== undefined &&
        [400, 414].includes(res.statusCode) &&
        !(problem?.errors ?? []).some((e) => e.path === c.field || e.path.startsWith(`${c.field}.`))
      ) {
        why.push(`does not name ${c.field} (errors: ${JSON.stringify(problem?.errors ?? []).slice(0, 200)})`);
      }
      if (why.length) failures.push(`${c.label}: ${why.join('; ')} → ${res.statusCode} ${res.body.slice(0, 160)}`);
    }
    process.stdout.write(
      `[fuzz] ${cases.length} requests in ${Date.now() - started} ms; statuses: ${[...statuses]
        .sort()
        .map(([s, n]) => `${s} ×${n}`)
        .join(', ')}\n`,
    );
    expect(failures).toEqual([]);
    expect(await log.appended()).toEqual([]);
  }, 120_000);

  it('every string field of every command has a bound (SPEC §2: every string has a maximum length)', () => {
    const unbounded: string[] = [];
    const visit = (where: string, schema: Schema) => {
      const s = resolve(doc, schema);
      if (s.type === 'string' && s.maxLength === undefined && !s.pattern && !s.enum && !s.format) unbounded.push(where);
      for (const [name, p] of Object.entries(s.properties ?? {})) visit(`${where}.${name}`, p);
      if (typeof s.additionalProperties === 'object') visit(`${where}.*`, s.additionalProperties);
    };
    for (const path of Object.keys(doc.paths).filter((p) => p.startsWith('/commands/')))
      visit(path, doc.paths[path]!['post']!.requestBody!.content['application/json']!.schema);
    expect(unbounded).toEqual([]);
  });
});

export type { Parameter };
