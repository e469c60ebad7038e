import { Module, type DynamicModule } from '@nestjs/common';
import { findSwaggerUiDist } from './docs-page.js';
import { buildOpenApiDocument, type OpenApiOptions } from './openapi-document.js';
import { OpenApiController } from './openapi.controller.js';
import { DOCS_ASSETS, OPENAPI_DOCUMENT, type DocsAssets } from './openapi.tokens.js';

/**
 * `GET /docs` (Swagger UI) and `GET /docs/openapi.json`. Import it as is for the commands'
 * document, or with `forRoot` to add the paths of other controllers.
 *
 * @example
 * imports: [OpenApiModule.forRoot({ extraPaths: queryPaths, extraSchemas: querySchemas })]
 */
@Module({
  controllers: [OpenApiController],
  providers: [
    { provide: OPENAPI_DOCUMENT, useFactory: () => buildOpenApiDocument() },
    { provide: DOCS_ASSETS, useFactory: (): DocsAssets => ({ swaggerUiDir: findSwaggerUiDist() }) },
  ],
})
export class OpenApiModule {
  static forRoot(options: OpenApiOptions): DynamicModule {
    return {
      module: OpenApiModule,
      providers: [{ provide: OPENAPI_DOCUMENT, useFactory: () => buildOpenApiDocument(options) }],
    };
  }
}
