import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportIo } from './import-commands.js';

/**
 * The young generation of the thread that imports: with V8's default (16 MiB semi-spaces)
 * garbage collection was a quarter of a 100,000-row import's CPU. 192 MiB (64 MiB semi-spaces)
 * took ~0.5 s of CPU off that import of ~5 s, for ~80 MiB more peak RSS; 384 and 768 MiB gained
 * nothing more (bench/README, "bench/import").
 */
export const IMPORT_YOUNG_GENERATION_MB = 192;

/** What the import thread is given: the command line's arguments and environment, and whether stderr is a terminal. */
export type ImportThreadData = { argv: string[]; env: Record<string, string | undefined>; stderrIsTTY: boolean };

/** What the import thread sends: a piece of its output, or (last) its exit code. */
export type ImportThreadMessage = { out: string } | { err: string } | { code: number };

/**
 * The compiled entry of the import thread, or null where there is none (the sources run by the
 * test runner: a worker thread cannot load TypeScript, and the import then runs in-process).
 * The bundle `npm run build` makes of it (`scripts/bundle-import-thread.mjs`) is preferred while
 * every file it was made from is as it was then: it loads in ~0.2 s where the ~600 modules of the
 * unbundled entry take ~0.47 s, before the first legacy row is read.
 */
export function importThreadEntry(): URL | null {
  const bundled = new URL('./bundle/import-thread-entry.js', import.meta.url);
  if (bundled.protocol === 'file:' && bundleIsCurrent(bundled)) return bundled;
  const entry = new URL('./import-thread-entry.js', import.meta.url);
  return entry.protocol === 'file:' && existsSync(fileURLToPath(entry)) ? entry : null;
}

/**
 * True when the bundle exists and each file it was made from still has the size and
 * modification time `inputs.json` recorded: a build by tsc alone, or another install of a
 * package, leaves a bundle that is not used (~600 stat calls, ~2 ms).
 */
export function bundleIsCurrent(bundled: URL): boolean {
  let inputs: Record<string, [number, number]>;
  try {
    if (!existsSync(fileURLToPath(bundled))) return false;
    inputs = JSON.parse(readFileSync(new URL('./inputs.json', bundled), 'utf8')) as Record<string, [number, number]>;
  } catch {
    return false;
  }
  return Object.entries(inputs).every(([file, [size, mtimeMs]]) => {
    const info = statSync(new URL(file, bundled), { throwIfNoEntry: false });
    return info !== undefined && info.size === size && info.mtimeMs === mtimeMs;
  });
}

/**
 * Runs `caretrack import …` on a worker thread whose young generation is
 * `IMPORT_YOUNG_GENERATION_MB` (a thread's heap limits are the only ones a running process can
 * set: `--max-semi-space-size` works only on the node command line). Writes its output to `io`
 * as it comes and resolves to its exit code, which comes after the last of it. Killing the
 * process kills the import, as it always did: a rerun resumes.
 *
 * @example process.exit(await runImportOnThread(entry, process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env }));
 */
export function runImportOnThread(entry: URL, argv: string[], io: ImportIo): Promise<number> {
  const worker = new Worker(entry, {
    workerData: { argv, env: io.env, stderrIsTTY: io.err.isTTY === true } satisfies ImportThreadData,
    resourceLimits: { maxYoungGenerationSizeMb: IMPORT_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: ImportThreadMessage) => {
      if ('out' in message) io.out.write(message.out);
      else if ('err' in message) io.err.write(message.err);
      else resolve(message.code);
    });
    worker.on('error', reject);
    // after its exit code, the thread's end changes nothing; before it, the import did not finish
    worker.on('exit', (exitCode) => reject(new Error(`the import thread stopped (exit code ${exitCode})`)));
  });
}
