// Helpers both benchmark runners share: a build that is not older than the sources, and the
// throwaway database each run makes on the PostgreSQL server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCE_DIRS = ['apps', 'libs', 'projections'];

/** @param {string} dir @param {number} [depth] @returns {Promise<number>} */
async function newestSourceMtime(dir, depth = 0) {
  if (depth > 12 || !existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSourceMtime(path, depth + 1));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

const mtime = async (/** @type {string} */ path) => (existsSync(path) ? (await stat(path)).mtimeMs : 0);

/**
 * Runs `npm run build` when any of `builtFiles` (relative to the root) is missing or older than
 * the TypeScript sources or tsconfig; with `build: false` it only warns (or fails if missing).
 * Returns what it did.
 * @param {{ build: boolean, builtFiles: string[], log: (line: string) => void }} options
 * @returns {Promise<string>}
 */
export async function ensureBuilt({ build, builtFiles, log }) {
  const sources = Math.max(
    ...(await Promise.all(SOURCE_DIRS.map((d) => newestSourceMtime(join(ROOT, d))))),
    ...(await Promise.all(['tsconfig.json', 'tsconfig.build.json'].map((f) => mtime(join(ROOT, f))))),
  );
  const built = Math.min(...(await Promise.all(builtFiles.map((f) => mtime(join(ROOT, f))))));
  if (built >= sources) return 'up to date';
  if (!build) {
    if (built === 0) throw new Error(`${builtFiles.join(', ')}: missing, and --no-build was given`);
    log('dist/ is older than the sources; using it anyway (--no-build)');
    return 'stale (--no-build)';
  }
  log(`${built === 0 ? 'dist/ missing' : 'dist/ older than the sources'}: npm run build`);
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`npm run build failed (status ${result.status ?? result.signal})`);
  return 'built now';
}

/**
 * Runs one statement on a short-lived connection to `server`.
 * @param {string} server @param {string} query
 */
export async function admin(server, query) {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * `server` pointed at `database`, with optional session settings (`-c name=value`).
 * @param {string} server @param {string} database @param {Record<string, string | number>} [settings]
 */
export function databaseUrl(server, database, settings = {}) {
  const url = new URL(server);
  url.pathname = `/${database}`;
  const options = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`);
  if (options.length > 0) url.searchParams.set('options', options.join(' '));
  return url.toString();
}
