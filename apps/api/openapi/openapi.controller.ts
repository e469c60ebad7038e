import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, Inject, StreamableFile } from '@nestjs/common';
import { NotFound } from '../errors/http-errors.js';
import { docsPage, swaggerInitializer, swaggerUiFiles } from './docs-page.js';
import type { OpenApiDocument } from './openapi-document.js';
import { DOCS_ASSETS, OPENAPI_DOCUMENT, type DocsAssets } from './openapi.tokens.js';

const CACHE_A_DAY = 'public, max-age=86400';

/** The API's documentation: the OpenAPI document and a page to read it. No key needed. */
@Controller('docs')
export class OpenApiController {
  private readonly page: string;

  constructor(
    @Inject(OPENAPI_DOCUMENT) private readonly document: OpenApiDocument,
    @Inject(DOCS_ASSETS) private readonly assets: DocsAssets,
  ) {
    this.page = docsPage(document, assets.swaggerUiDir !== null);
  }

  /** Swagger UI (or a plain list of operations when its files are not installed). */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  html(): string {
    return this.page;
  }

  /** The OpenAPI 3.1 document. */
  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }

  @Get('swagger-ui.css')
  @Header('Cache-Control', CACHE_A_DAY)
  css(): StreamableFile {
    return this.swaggerUiFile('swagger-ui.css');
  }

  @Get('swagger-ui-bundle.js')
  @Header('Cache-Control', CACHE_A_DAY)
  bundle(): StreamableFile {
    return this.swaggerUiFile('swagger-ui-bundle.js');
  }

  @Get('swagger-initializer.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  initializer(): string {
    if (this.assets.swaggerUiDir === null) throw new NotFound('Swagger UI is not installed');
    return swaggerInitializer();
  }

  private swaggerUiFile(file: keyof typeof swaggerUiFiles): StreamableFile {
    if (this.assets.swaggerUiDir === null) throw new NotFound('Swagger UI is not installed');
    return new StreamableFile(createReadStream(join(this.assets.swaggerUiDir, file)), { type: swaggerUiFiles[file] });
  }
}
