import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { bundleIsCurrent } from './import-thread.js';

describe('bundleIsCurrent', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A bundle in <dir>/bundle made from <dir>/a.js and <dir>/b.js, with its inputs.json. */
  function bundle(): URL {
    dir = mkdtempSync(join(tmpdir(), 'caretrack-bundle-'));
    mkdirSync(join(dir, 'bundle'));
    writeFileSync(join(dir, 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'b.js'), 'export const b = 2;\n');
    writeFileSync(join(dir, 'bundle', 'import-thread-entry.js'), '// bundled\n');
    const inputs: Record<string, [number, number]> = {};
    for (const file of ['a.js', 'b.js']) {
      const info = statSync(join(dir, file));
      inputs[`../${file}`] = [info.size, info.mtimeMs];
    }
    writeFileSync(join(dir, 'bundle', 'inputs.json'), JSON.stringify(inputs));
    return pathToFileURL(join(dir, 'bundle', 'import-thread-entry.js'));
  }

  it('is current while every input has the size and time it had', () => {
    expect(bundleIsCurrent(bundle())).toBe(true);
  });

  it('is stale once an input is rewritten (a build by tsc alone), touched, or removed', () => {
    const entry = bundle();
    writeFileSync(join(dir, 'a.js'), 'export const a = 10;\n');
    expect(bundleIsCurrent(entry)).toBe(false);

    const touched = bundle();
    utimesSync(join(dir, 'b.js'), new Date(), new Date(Date.now() + 5_000));
    expect(bundleIsCurrent(touched)).toBe(false);

    const removed = bundle();
    rmSync(join(dir, 'a.js'));
    expect(bundleIsCurrent(removed)).toBe(false);
  });

  it('is not used without its list of inputs, with a broken one, or without the bundle itself', () => {
    const entry = bundle();
    writeFileSync(join(dir, 'bundle', 'inputs.json'), '{not json');
    expect(bundleIsCurrent(entry)).toBe(false);
    rmSync(join(dir, 'bundle', 'inputs.json'));
    expect(bundleIsCurrent(entry)).toBe(false);

    const gone = bundle();
    rmSync(join(dir, 'bundle', 'import-thread-entry.js'));
    expect(bundleIsCurrent(gone)).toBe(false);
  });
});
