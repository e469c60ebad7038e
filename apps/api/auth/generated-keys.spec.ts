import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadKeyRing, type LoadedKeyRing } from './api-keys.js';
import { ROLES } from './roles.js';

describe('keys generated on the first start', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'caretrack-keys-')), 'data');
  });
  afterEach(async () => rm(join(dataDir, '..'), { recursive: true, force: true }));

  async function start(): Promise<{ loaded: LoadedKeyRing; printed: string[] }> {
    const printed: string[] = [];
    const loaded = await loadKeyRing({ dataDir }, { print: (text) => printed.push(text) });
    return { loaded, printed };
  }

  it('makes one long random key per role, prints them once and returns them', async () => {
    const { loaded, printed } = await start();
    expect(loaded.source).toBe('generated');
    expect(loaded.generated.map((g) => g.role)).toEqual([...ROLES]);
    for (const g of loaded.generated) {
      expect(g.key).toMatch(new RegExp(`^ct_${g.role}_[A-Za-z0-9_-]{43}$`));
      expect(loaded.keyRing.lookup(g.key)).toEqual({ keyId: g.keyId, role: g.role });
    }
    expect(new Set(loaded.generated.map((g) => g.key)).size).toBe(ROLES.length);
    expect(printed).toHaveLength(1);
    for (const g of loaded.generated) expect(printed[0]).toContain(g.key);
  });

  it('stores only their SHA-256 hashes, in a 0600 file, with no temp file left behind', async () => {
    const { loaded } = await start();
    const path = join(dataDir, 'api-keys.json');
    const text = await readFile(path, 'utf8');
    for (const g of loaded.generated) {
      expect(text).not.toContain(g.key);
      expect(text).not.toContain(g.key.slice(-20));
    }
    const stored = JSON.parse(text) as { keys: { role: string; sha256: string }[] };
    expect(stored.keys.map((k) => k.role)).toEqual([...ROLES]);
    expect(stored.keys.every((k) => /^[0-9a-f]{64}$/.test(k.sha256))).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['api-keys.json']);
  });

  it('on a later start loads the hashes, prints nothing and accepts the same keys', async () => {
    const first = await start();
    const second = await start();
    expect(second.printed).toEqual([]);
    expect(second.loaded.source).toBe('stored');
    expect(second.loaded.generated).toEqual([]);
    for (const g of first.loaded.generated)
      expect(second.loaded.keyRing.lookup(g.key)).toEqual({ keyId: g.keyId, role: g.role });
    expect(second.loaded.keyRing.lookup('ct_admin_not-the-generated-key-at-all')).toBeNull();
  });

  it('defect 11: the way back the README documents — remove the key file, restart — prints new keys and refuses the old ones', async () => {
    const first = await start();
    expect(first.printed[0]).toContain(`remove ${join(dataDir, 'api-keys.json')}`);
    await rm(join(dataDir, 'api-keys.json'));
    const second = await start();
    expect(second.loaded.source).toBe('generated');
    expect(second.printed).toHaveLength(1);
    for (const g of second.loaded.generated) expect(second.printed[0]).toContain(g.key);
    for (const g of first.loaded.generated) expect(second.loaded.keyRing.lookup(g.key)).toBeNull();
  });

  it('lets exactly one of two simultaneous first starts generate; both accept its keys', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const winners = [a, b].filter((s) => s.loaded.generated.length > 0);
    expect(winners).toHaveLength(1);
    expect(a.printed.length + b.printed.length).toBe(1);
    for (const g of winners.flatMap((winner) => winner.loaded.generated)) {
      expect(a.loaded.keyRing.lookup(g.key)?.role).toBe(g.role);
      expect(b.loaded.keyRing.lookup(g.key)?.role).toBe(g.role);
    }
  });

  it('refuses a damaged key file instead of silently making new keys', async () => {
    await start();
    await writeFile(join(dataDir, 'api-keys.json'), '{"version":1,"keys":[');
    await expect(start()).rejects.toThrow(/api-keys\.json is not a valid key file/);
  });
});
