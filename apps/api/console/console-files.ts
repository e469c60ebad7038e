import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the console, held in memory. */
export type ConsoleFile = { readonly body: Buffer; readonly contentType: string };

/** The console's files by name (`index.html`, `app.js`, …); empty when they are not installed. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Where `apps/console/` is: beside this folder when running from the sources (tests, `tsx`),
 * or at the package root when running the build (`dist/apps/api/console/` → `apps/console/`).
 */
export function findConsoleDir(): string | null {
  const candidates = ['../../console/', '../../../../apps/console/'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Reads the console's files once, at start: a fixed map from name to content, so a request can
 * name only a file that exists here (no path is ever joined from a URL).
 *
 * @example
 * const files = loadConsoleFiles(findConsoleDir());
 * files.get('app.js')?.contentType; // 'text/javascript; charset=utf-8'
 */
export function loadConsoleFiles(dir: string | null): ConsoleFiles {
  const files = new Map<string, ConsoleFile>();
  if (dir === null) return files;
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(name, { body: readFileSync(join(dir, name)), contentType });
  }
  return files;
}

/**
 * The console's Content-Security-Policy: scripts, styles and requests from this origin only, no
 * inline script or style, no plugins, no framing. The console is written to need nothing more.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
