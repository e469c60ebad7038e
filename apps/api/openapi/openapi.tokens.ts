/** The OpenAPI document the docs routes serve (built once, when the module starts). */
export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

/** Where Swagger UI's files are: `{ swaggerUiDir: null }` serves a plain HTML page instead. */
export const DOCS_ASSETS = Symbol('DOCS_ASSETS');

export type DocsAssets = { swaggerUiDir: string | null };
