import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { MasterKeyConfigError } from './errors.js';
import { MasterKey } from './master-key.js';
import {
  GENERATED_MASTER_KEY_FILE,
  PENDING_MASTER_KEY_FILE,
  loadMasterKey,
  publishKeyFile,
} from './master-key-source.js';

describe('MasterKey', () => {
  const bytes = Buffer.alloc(32, 0xab);

  it('reads hex, base64 and base64url of 32 bytes alike', () => {
    const id = MasterKey.fromBytes(bytes).id;
    expect(MasterKey.parse(bytes.toString('hex'))?.id).toBe(id);
    expect(MasterKey.parse(`  ${bytes.toString('base64')}\n`)?.id).toBe(id);
    expect(MasterKey.parse(bytes.toString('base64url'))?.id).toBe(id);
  });

  it('refuses anything else', () => {
    for (const text of [
      '',
      'ab'.repeat(31),
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      'correct horse battery staple',
    ]) {
      expect(MasterKey.parse(text)).toBeNull();
    }
    expect(() => MasterKey.fromBytes(Buffer.alloc(16))).toThrow('32 bytes');
  });

  it('never prints its bytes: JSON, inspect, template strings and pino show the id only', () => {
    const key = MasterKey.fromBytes(bytes);
    const lines: string[] = [];
    pino({}, { write: (line: string) => void lines.push(line) }).info({ key }, 'loaded');
    for (const shown of [JSON.stringify({ key }), inspect(key), `${key}`, lines.join('')]) {
      expect(shown).toContain(key.id);
      expect(shown).not.toContain(bytes.toString('hex'));
      expect(shown).not.toContain(bytes.toString('base64'));
    }
  });

  it('derives a different id and check for each key', () => {
    const [a, b] = [MasterKey.generate(), MasterKey.generate()];
    expect(a.id).not.toBe(b.id);
    expect(a.check).toMatch(/^[0-9a-f]{64}$/);
    expect(a.check.startsWith(a.id)).toBe(true);
  });
});

describe('loadMasterKey', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await mkdtemp(join(tmpdir(), 'caretrack-master-'))));
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it('generates a key under DATA_DIR with mode 0600 on the first start only, and says so once', async () => {
    const first = await loadMasterKey({ dataDir });
    const path = join(dataDir, GENERATED_MASTER_KEY_FILE);
    expect(first.generatedPath).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const second = await loadMasterKey({ dataDir });
    expect(second.generatedPath).toBeUndefined();
    expect(second.key.id).toBe(first.key.id);
    expect(second.origin).toBe(`DATA_DIR (${path})`);
  });

  it('gives two processes starting at once the same generated key', async () => {
    const loads = await Promise.all(Array.from({ length: 6 }, () => loadMasterKey({ dataDir })));
    expect(new Set(loads.map((l) => l.key.id)).size).toBe(1);
    expect(loads.filter((l) => l.generatedPath).length).toBe(1);
  });

  it('prefers DATA_KEY, then DATA_KEY_FILE, and then generates nothing', async () => {
    const env = MasterKey.generate();
    expect((await loadMasterKey({ dataKey: env, dataDir })).key).toBe(env);
    const file = join(dataDir, 'secret.key');
    const fromFile = MasterKey.generate();
    await writeFile(file, `${fromFile.exportText()}\n`, { mode: 0o600 });
    const loaded = await loadMasterKey({ dataKeyFile: file, dataDir });
    expect([loaded.key.id, loaded.origin, loaded.warnings]).toEqual([fromFile.id, `DATA_KEY_FILE (${file})`, []]);
    await expect(stat(join(dataDir, GENERATED_MASTER_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a key file of 32 raw bytes, and warns when others may read it', async () => {
    const file = join(dataDir, 'raw.key');
    const raw = Buffer.alloc(32, 0x11);
    await writeFile(file, raw);
    await chmod(file, 0o644);
    const loaded = await loadMasterKey({ dataKeyFile: file, dataDir });
    expect(loaded.key.id).toBe(MasterKey.fromBytes(raw).id);
    expect(loaded.warnings).toEqual([expect.stringContaining('chmod 600')]);
  });

  it('names the setting when a key file is missing or malformed, without echoing its content', async () => {
    await expect(loadMasterKey({ dataKeyFile: join(dataDir, 'absent'), dataDir })).rejects.toThrow(
      /^DATA_KEY_FILE: cannot read .*absent \(ENOENT\)$/,
    );
    const file = join(dataDir, 'bad.key');
    await writeFile(file, 'my-secret-passphrase\n');
    const error = await loadMasterKey({ dataKeyFile: file, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    expect(String(error)).toMatch(/DATA_KEY_FILE: .*bad\.key must hold 32 bytes/);
    expect(String(error)).not.toContain('my-secret-passphrase');
  });

  it('refuses to generate when asked not to (the CLI must not invent a key)', async () => {
    await expect(loadMasterKey({ dataDir }, { generate: false })).rejects.toBeInstanceOf(MasterKeyConfigError);
  });

  it('offers a rotation’s pending key, and installs it when the old file is already gone', async () => {
    const current = MasterKey.generate();
    const next = MasterKey.generate();
    await publishKeyFile(join(dataDir, GENERATED_MASTER_KEY_FILE), current);
    await publishKeyFile(join(dataDir, PENDING_MASTER_KEY_FILE), next);
    const loaded = await loadMasterKey({ dataDir });
    expect([loaded.key.id, loaded.pending?.key.id]).toEqual([current.id, next.id]);
    await loaded.pending?.promote();
    expect((await loadMasterKey({ dataDir })).key.id).toBe(next.id);
    expect(await readFile(join(dataDir, `${GENERATED_MASTER_KEY_FILE}.retired-${current.id}`), 'utf8')).toBe(
      `${current.exportText()}\n`,
    );

    await rm(join(dataDir, GENERATED_MASTER_KEY_FILE));
    const third = MasterKey.generate();
    await publishKeyFile(join(dataDir, PENDING_MASTER_KEY_FILE), third);
    const recovered = await loadMasterKey({ dataDir });
    expect([recovered.key.id, recovered.generatedPath]).toEqual([third.id, undefined]);
  });
});
