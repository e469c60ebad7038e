import 'reflect-metadata';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { commandNames } from '../../../libs/domain/commands.js';
import { ProblemFilter } from '../errors/problem.filter.js';
import { OpenApiModule } from './openapi.module.js';
import { DOCS_ASSETS } from './openapi.tokens.js';
import type { OpenApiOptions } from './openapi-document.js';

async function startDocs(
  options: { module?: OpenApiOptions; swaggerUi?: boolean } = {},
): Promise<NestFastifyApplication> {
  const builder = Test.createTestingModule({
    imports: [options.module ? OpenApiModule.forRoot(options.module) : OpenApiModule],
  });
  if (options.swaggerUi === false) builder.overrideProvider(DOCS_ASSETS).useValue({ swaggerUiDir: null });
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new ProblemFilter(pino({ level: 'silent' })));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('GET /docs', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startDocs();
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the OpenAPI document with a path for every command', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([...commandNames.map((name) => `/commands/${name}`), '/health', '/ready']),
    );
  });

  it('serves Swagger UI as an HTML page that loads the document', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<div id="swagger-ui">');
    expect(response.body).toContain('/docs/swagger-ui-bundle.js');
    const initializer = await app.inject({ method: 'GET', url: '/docs/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain('"/docs/openapi.json"');
  });

  it('serves the Swagger UI files from the installed package', async () => {
    const bundle = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bundle.body).toContain('SwaggerUIBundle');
    const css = await app.inject({ method: 'GET', url: '/docs/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body.length).toBeGreaterThan(1000);
  });
});

describe('GET /docs without Swagger UI', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startDocs({ swaggerUi: false });
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists every operation on a plain HTML page', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).not.toContain('<script'); // no Swagger UI (the list itself names its file routes)
    for (const name of commandNames) expect(response.body).toContain(`POST /commands/${name}`);
    expect(response.body).toContain('GET /ready');
  });

  it('answers 404 problem+json for the Swagger UI files', async () => {
    for (const url of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/swagger-initializer.js']) {
      const response = await app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode, type: response.headers['content-type'] }).toEqual({
        url,
        status: 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
    }
  });
});

describe('OpenApiModule.forRoot', () => {
  it('serves the extra paths beside the commands', async () => {
    const app = await startDocs({
      module: {
        extraPaths: {
          '/admin/projections': { get: { operationId: 'listProjections', responses: { 200: { description: 'ok' } } } },
        },
      },
    });
    try {
      const document = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
        paths: Record<string, unknown>;
      }>();
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/admin/projections', '/commands/RecordConsultation']),
      );
      expect((await app.inject({ method: 'GET', url: '/docs' })).body).toContain('GET /admin/projections');
    } finally {
      await app.close();
    }
  });
});
