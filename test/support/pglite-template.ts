import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The installed PGlite's version: a template is only ever copied into the PGlite that made it. */
const pgliteVersion = (
  JSON.parse(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
  ) as { version: string }
).version;

/** Where the template lives: one per machine user and PGlite version, shared by every test file of a run. */
const templateDir = join(tmpdir(), `caretrack-pglite-initdb-${pgliteVersion}-${process.getuid?.() ?? 0}`);

let made: Promise<string> | null = null;

/**
 * A PGlite data directory exactly as `PGlite.create(dir)` leaves an empty directory (its
 * initdb, nothing of ours in it), made once and kept under the temp directory. It is renamed
 * into place only when complete, so a reader never sees half of one.
 */
function template(): Promise<string> {
  return (made ??= (async () => {
    if (existsSync(join(templateDir, 'PG_VERSION'))) return templateDir;
    const building = `${templateDir}.building-${randomUUID()}`;
    await mkdir(building, { recursive: true });
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = await PGlite.create(building);
      await pglite.close();
      await rename(building, templateDir).catch((error: NodeJS.ErrnoException) => {
        // another process finished one first: theirs is as good as ours
        if (!existsSync(join(templateDir, 'PG_VERSION'))) throw error;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    return templateDir;
  })());
}

/**
 * Fills `dir` (absent or empty) with a copy of a freshly initialised PGlite data directory, so
 * the embedded store that opens it skips PGlite's initdb (about 1.5 s of every embedded start).
 * What the product does next (migrations, keys, projections) is the same as on a first start:
 * the copy holds only what PGlite's own initdb writes.
 *
 * @example await seedPgliteDataDir(join(dataDir, 'pg')); // before createApp on DATA_DIR=dataDir
 */
export async function seedPgliteDataDir(dir: string): Promise<void> {
  await cp(await template(), dir, { recursive: true });
}
