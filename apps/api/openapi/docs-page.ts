import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { OpenApiDocument } from './openapi-document.js';

/** Where the docs routes live; the page refers to its assets by these absolute paths. */
export const DOCS_ROOT = '/docs';

/** The Swagger UI files the docs page serves, by route name. */
export const swaggerUiFiles = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * The folder of the installed `swagger-ui-dist` (a dependency of `@nestjs/swagger`), or
 * `null` when it cannot be found: the page then lists the operations without Swagger UI.
 */
export function findSwaggerUiDist(): string | null {
  const fromHere = createRequire(import.meta.url);
  const candidates = [fromHere, ...tryResolve(fromHere, '@nestjs/swagger').map((path) => createRequire(path))];
  for (const require of candidates) {
    const [packageJson] = tryResolve(require, 'swagger-ui-dist/package.json');
    if (packageJson) return dirname(packageJson);
  }
  return null;
}

/** The script that starts Swagger UI on the page (a file, not inline, so a strict CSP works). */
export function swaggerInitializer(): string {
  return `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${DOCS_ROOT}/openapi.json`)}, dom_id: '#swagger-ui', deepLinking: true });\n`;
}

/**
 * The HTML of `GET /docs`: Swagger UI when its assets are installed, and always a plain list
 * of every operation (inside `<noscript>` when Swagger UI runs).
 */
export function docsPage(document: OpenApiDocument, swaggerUi: boolean): string {
  const title = escapeHtml(`${document.info.title} ${document.info.version}`);
  const list = operationList(document);
  const body = swaggerUi
    ? `<div id="swagger-ui"></div>
<noscript>${list}</noscript>
<script src="${DOCS_ROOT}/swagger-ui-bundle.js"></script>
<script src="${DOCS_ROOT}/swagger-initializer.js"></script>`
    : list;
  const style = swaggerUi
    ? `<link rel="stylesheet" href="${DOCS_ROOT}/swagger-ui.css">`
    : '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}code{font-size:1rem}li{margin:.25rem 0}</style>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${style}
</head>
<body>
${body}
</body>
</html>
`;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function operationList(document: OpenApiDocument): string {
  const items = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => {
      const summary = summaryOf(item[method]);
      return `<li><code>${method.toUpperCase()} ${escapeHtml(path)}</code>${summary ? ` — ${escapeHtml(summary)}` : ''}</li>`;
    }),
  );
  return `<h1>${escapeHtml(document.info.title)} API</h1>
<p>The OpenAPI document: <a href="${DOCS_ROOT}/openapi.json">${DOCS_ROOT}/openapi.json</a></p>
<ul>
${items.join('\n')}
</ul>`;
}

function summaryOf(operation: unknown): string | undefined {
  const summary = (operation as { summary?: unknown } | null)?.summary;
  return typeof summary === 'string' ? summary : undefined;
}

function tryResolve(require: NodeJS.Require, specifier: string): string[] {
  try {
    return [require.resolve(specifier)];
  } catch {
    return [];
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
