import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

/** The lock of this checkout's dist/ (a directory: creating it is atomic), beside the stamp. */
const lockDir = `${stampFile}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Holds this checkout's dist/ for a whole suite: builds it if needed ({@link buildOnce}) and
 * keeps every other jest worker from building it again (`npm start`'s prestart does) or from
 * using it half-written until the returned release is called (in `afterAll`). Jest runs two
 * files at a time; the suites that run the built service take turns, the others go on beside
 * them. A lock left by a process that died is taken over.
 */
export async function holdBuiltDist(): Promise<() => Promise<void>> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(`${lockDir}/pid`, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(`${lockDir}/pid`, 'utf8').catch(() => ''));
      // no pid yet: its holder is between mkdir and writeFile, unless it died there (10 s ago)
      const since = await stat(lockDir).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if ((holder > 0 && !alive(holder)) || (!(holder > 0) && since > 10_000))
        await rm(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`dist/ stayed locked for 20 minutes by process ${holder} (${lockDir})`, { cause: error });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await buildOnce();
  } catch (error) {
    await rm(lockDir, { recursive: true, force: true });
    throw error;
  }
  return () => rm(lockDir, { recursive: true, force: true });
}
