import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { ProblemFilter } from '../errors/problem.filter.js';
import { rolesOfCommand } from '../commands/command-roles.js';
import { ADMIN_ROLES, AUDIT_ROLES, COMMAND_ROLES, Principal, QUERY_ROLES, Roles, RolesFrom } from './auth.guard.js';
import { createAuthThrottle } from './auth-throttle.js';
import { AuthModule } from './auth.module.js';
import { hashKey, KeyRing } from './key-ring.js';

const keys = {
  service: 'ct_service_0123456789abcdefghijk',
  reader: 'ct_reader_0123456789abcdefghijkl',
  admin: 'ct_admin_0123456789abcdefghijklm',
  auditor: 'ct_auditor_0123456789abcdefghijk',
} as const;

@Controller()
class DummyController {
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Post('commands/Ping')
  @Roles(...COMMAND_ROLES)
  command(@Principal() principal: Principal) {
    return { actor: principal.keyId, role: principal.role };
  }

  @Get('patients')
  @Roles(...QUERY_ROLES)
  patients(@Principal() principal: Principal) {
    return { role: principal.role };
  }
}

/** One route for commands of different roles, as `POST /commands/:name` is. */
@Controller('per-command')
class DummyPerCommandController {
  @Post(':name')
  @Roles(...COMMAND_ROLES)
  @RolesFrom((request) => {
    const name = (request.params as { name?: string }).name;
    return name === 'EraseSomething' ? ['admin'] : name === 'Anything' ? ['service', 'auditor'] : undefined;
  })
  send(@Param('name') name: string, @Principal() principal: Principal) {
    return { name, role: principal.role };
  }
}

@Controller('admin')
@Roles(...ADMIN_ROLES)
class DummyAdminController {
  @Get('projections')
  projections() {
    return [];
  }

  @Get('audit-view')
  @Roles(...AUDIT_ROLES)
  auditView() {
    return { ok: true };
  }
}

const FAILURE_LIMIT = 20;

describe('AuthGuard through a Nest app on Fastify', () => {
  let app: NestFastifyApplication;
  const ring = new KeyRing(
    Object.entries(keys).map(([role, key]) => ({ role: role as keyof typeof keys, sha256: hashKey(key) })),
  );

  beforeAll(async () => {
    const adapter = new FastifyAdapter();
    const throttle = await createAuthThrottle(adapter.getInstance(), { maxFailures: FAILURE_LIMIT });
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(ring, throttle)],
      controllers: [DummyController, DummyAdminController, DummyPerCommandController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
    app.useGlobalFilters(new ProblemFilter(pino({ level: 'silent' })));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => app?.close());

  const get = (url: string, authorization?: string) =>
    app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  it('leaves a route without @Roles open', async () => {
    const res = await get('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers 401 problem+json without an Authorization header', async () => {
    const res = await get('/patients');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="caretrack"');
    expect(res.json()).toMatchObject({ status: 401, code: 'unauthorized', title: 'Unauthorized' });
  });

  it('answers 401 for an unknown key, a key without the Bearer scheme and an empty Bearer', async () => {
    for (const authorization of [
      'Bearer ct_reader_not-a-known-key-at-all',
      keys.reader,
      `Basic ${keys.reader}`,
      'Bearer ',
    ]) {
      const res = await get('/patients', authorization);
      expect([authorization, res.statusCode]).toEqual([authorization, 401]);
      expect(res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    }
    expect((await get('/patients', 'Bearer ct_reader_not-a-known-key-at-all')).headers['www-authenticate']).toMatch(
      /error="invalid_token"/,
    );
  });

  it('answers 403 naming the required roles for a known key of another role', async () => {
    const res = await get('/patients', `Bearer ${keys.auditor}`);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect(res.json<{ detail: string }>().detail).toBe(
      'this route needs a key with role service or reader or admin; this key has role auditor',
    );
    const command = await app.inject({
      method: 'POST',
      url: '/commands/Ping',
      headers: { authorization: `Bearer ${keys.reader}` },
    });
    expect(command.statusCode).toBe(403);
  });

  it('lets every listed role through and hands the handler its principal', async () => {
    for (const role of ['service', 'reader', 'admin'] as const) {
      const res = await get('/patients', `bearer  ${keys[role]}`);
      expect([role, res.statusCode, res.json()]).toEqual([role, 200, { role }]);
    }
    const command = await app.inject({
      method: 'POST',
      url: '/commands/Ping',
      headers: { authorization: `Bearer ${keys.service}` },
    });
    expect(command.statusCode).toBe(201);
    expect(command.json()).toEqual({ actor: hashKey(keys.service).toString('hex').slice(0, 12), role: 'service' });
  });

  it('applies a controller’s @Roles to its routes, a method’s @Roles overriding it', async () => {
    expect((await get('/admin/projections', `Bearer ${keys.admin}`)).statusCode).toBe(200);
    expect((await get('/admin/projections', `Bearer ${keys.service}`)).statusCode).toBe(403);
    expect((await get('/admin/projections')).statusCode).toBe(401);
    expect((await get('/admin/audit-view', `Bearer ${keys.auditor}`)).statusCode).toBe(200);
    expect((await get('/admin/audit-view', `Bearer ${keys.admin}`)).statusCode).toBe(403);
  });

  it('lets @RolesFrom pick the roles per request, and falls back to @Roles', async () => {
    const post = (name: string, role: keyof typeof keys) =>
      app.inject({ method: 'POST', url: `/per-command/${name}`, headers: { authorization: `Bearer ${keys[role]}` } });
    expect((await post('EraseSomething', 'admin')).json()).toEqual({ name: 'EraseSomething', role: 'admin' });
    const refused = await post('EraseSomething', 'service');
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ detail: string }>().detail).toBe(
      'this route needs a key with role admin; this key has role service',
    );
    expect((await post('Anything', 'auditor')).statusCode).toBe(201);
    expect((await post('Other', 'service')).statusCode).toBe(201);
    expect((await post('Other', 'admin')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/per-command/EraseSomething' })).statusCode).toBe(401);
  });

  it('defect 7: throttles failed authentications per client address: 429 problem+json with Retry-After, before any key is checked', async () => {
    const from = (address: string, authorization?: string) =>
      app.inject({
        method: 'GET',
        url: '/patients',
        remoteAddress: address,
        headers: authorization ? { authorization } : {},
      });
    // No key at all is not a guess: never throttled.
    for (let i = 0; i < FAILURE_LIMIT + 5; i++) expect((await from('10.9.9.9')).statusCode).toBe(401);
    for (let i = 0; i < FAILURE_LIMIT; i++)
      expect((await from('10.0.0.1', `Bearer wrong-key-number-${i}-xxxxxxxxxxxxxxxx`)).statusCode).toBe(401);
    const blocked = await from('10.0.0.1', 'Bearer yet-another-wrong-key-xxxxxxxxxxxxxxx');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'too_many_failed_authentications' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A right key from that address waits too: otherwise guessing could go on and recognise success.
    expect((await from('10.0.0.1', `Bearer ${keys.reader}`)).statusCode).toBe(429);
    // Other addresses, and valid keys, are not slowed.
    expect((await from('10.0.0.2', `Bearer ${keys.reader}`)).statusCode).toBe(200);
    for (let i = 0; i < FAILURE_LIMIT * 2; i++)
      expect((await from('10.0.0.3', `Bearer ${keys.reader}`)).statusCode).toBe(200);
  });
});

describe('rolesOfCommand', () => {
  it('reads the roles of the command named in the path from the registry', () => {
    expect(rolesOfCommand({ name: 'RegisterPatient' })).toEqual(['service']);
    expect(rolesOfCommand({ name: 'NoSuchCommand' })).toBeUndefined();
    expect(rolesOfCommand({ name: 'toString' })).toBeUndefined();
    expect(rolesOfCommand(undefined)).toBeUndefined();
  });
});
