import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The checkout's root (where `npm run build` writes dist/). */
export const root = new URL('../../', import.meta.url).pathname;

/** What `npm run build` compiles, and the settings it compiles them with. */
const SOURCES = [
  'apps',
  'libs',
  'projections',
  'scripts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

/** Where the last build's stamp is kept: one file per checkout, outside it. */
const stampFile = join(
  tmpdir(),
  `caretrack-test-build-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`,
);

/** Every file under `path` (a file or a directory), relative to the root, sorted; none when it is absent. */
async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(join(root, path)).catch(() => null);
  if (!info) return [];
  if (!info.isDirectory()) return [path];
  const entries = await readdir(join(root, path), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length))
    .sort();
}

/** A hash of the sources' paths and contents. */
async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES)
    for (const file of await filesUnder(source)) hash.update(`${file}\0`).update(await readFile(join(root, file)));
  return hash.digest('hex');
}

/** A hash of dist/ as it is on disk (paths, sizes, modification times); null when it holds nothing. */
async function distStamp(): Promise<string | null> {
  const files = await filesUnder('dist');
  if (files.length === 0) return null;
  const hash = createHash('sha256');
  for (const file of files) {
    const { size, mtimeMs } = await stat(join(root, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * Notes that dist/ was just built from the sources as they are (by `npm run build`, or by the
 * `prestart` of `npm start`), so {@link buildOnce} need not build them again.
 */
export async function recordBuild(): Promise<void> {
  await writeFile(stampFile, JSON.stringify({ sources: await sourcesHash(), dist: await distStamp() }));
}

/**
 * `npm run build`, unless dist/ is exactly what the last recorded build of these very sources
 * left: the tests that run the built service (real processes) share one build per source tree
 * instead of compiling it again each (about 12 s apiece). Any change to a source, a tsconfig or
 * the package files, or to dist/ itself (another build, a deleted file), builds again.
 */
export async function buildOnce(): Promise<void> {
  const sources = await sourcesHash();
  const last = (await readFile(stampFile, 'utf8')
    .then((text) => JSON.parse(text) as { sources: string; dist: string | null })
    .catch(() => null)) ?? { sources: null, dist: null };
  const dist = await distStamp();
  if (dist !== null && last.sources === sources && last.dist === dist) return;
  await promisify(execFile)('npm', ['run', 'build'], { cwd: root });
  await recordBuild();
}
