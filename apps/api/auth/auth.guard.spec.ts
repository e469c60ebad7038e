import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { ProblemFilter } from '../errors/problem.filter.js';
import { rolesOfCommand } from '../commands/command-roles.js';
import { ADMIN_ROLES, AUDIT_ROLES, COMMAND_ROLES, Principal, QUERY_ROLES, Roles, RolesFrom } from './auth.guard.js';
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

describe('AuthGuard through a Nest app on Fastify', () => {
  let app: NestFastifyApplication;
  const ring = new KeyRing(Object.entries(keys).map(([role, key]) => ({ role: role as keyof typeof keys, sha256: hashKey(key) })));

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(ring)],
      controllers: [DummyController, DummyAdminController, DummyPerCommandController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemFilter(pino({ level: 'silent' })));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => app?.close());

  const get = (url: string, authorization?: string) => app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

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
    for (const authorization of ['Bearer ct_reader_not-a-known-key-at-all', keys.reader, `Basic ${keys.reader}`, 'Bearer ']) {
      const res = await get('/patients', authorization);
      expect([authorization, res.statusCode]).toEqual([authorization, 401]);
      expect(res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    }
    expect((await get('/patients', 'Bearer ct_reader_not-a-known-key-at-all')).headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('answers 403 naming the required roles for a known key of another role', async () => {
    const res = await get('/patients', `Bearer ${keys.auditor}`);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect(res.json<{ detail: string }>().detail).toBe('this route needs a key with role service or reader or admin; this key has role auditor');
    const command = await app.inject({ method: 'POST', url: '/commands/Ping', headers: { authorization: `Bearer ${keys.reader}` } });
    expect(command.statusCode).toBe(403);
  });

  it('lets every listed role through and hands the handler its principal', async () => {
    for (const role of ['service', 'reader', 'admin'] as const) {
      const res = await get('/patients', `bearer  ${keys[role]}`);
      expect([role, res.statusCode, res.json()]).toEqual([role, 200, { role }]);
    }
    const command = await app.inject({ method: 'POST', url: '/commands/Ping', headers: { authorization: `Bearer ${keys.service}` } });
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
    expect(refused.json<{ detail: string }>().detail).toBe('this route needs a key with role admin; this key has role service');
    expect((await post('Anything', 'auditor')).statusCode).toBe(201);
    expect((await post('Other', 'service')).statusCode).toBe(201);
    expect((await post('Other', 'admin')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/per-command/EraseSomething' })).statusCode).toBe(401);
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
