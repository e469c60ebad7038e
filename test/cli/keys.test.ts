import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXIT, runCli } from '../../apps/cli/cli.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import {
  decryptEvents,
  encryptEvent,
  GENERATED_MASTER_KEY_FILE,
  KeyStore,
  loadMasterKey,
  MasterKey,
  WrongMasterKeyError,
} from '../../libs/personal-data/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { seedPgliteDataDir } from '../support/pglite-template.js';

function capture() {
  let text = '';
  return {
    write: (t: string) => void (text += t),
    get text() {
      return text;
    },
  };
}

async function run(argv: string[], env: Record<string, string>) {
  const out = capture();
  const err = capture();
  const code = await runCli(argv, { out, err, env });
  return { code, out: out.text, err: err.text };
}

const registered = (patientId: string) => ({
  id: randomUUID(),
  type: 'PatientRegistered',
  data: { patientId, firstName: 'Perpetua', lastName: 'Underhill-Zog' },
});

/** A store as a running service leaves it: keys, an erased patient, encrypted events in the log. */
async function seed(connection: DatabaseConnection, master: { key: MasterKey; origin: string }) {
  const keys = await KeyStore.open(connection.db, { masterKey: master });
  const events = await createPostgresEventStore({ connection });
  for (const p of ['p1', 'p2', 'p3']) {
    const stored = await encryptEvent(registered(p), keys);
    await events.appendToStream(`patient-${p}`, [{ ...stored, metadata: {} }]);
  }
  await keys.destroy('p3');
  await keys.close();
  return { log: await events.readAll({ maxCount: 100 }), events };
}

describe('caretrack keys [embedded PGlite, the generated key]', () => {
  let dataDir: string;
  let log: Awaited<ReturnType<typeof seed>>['log'];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'caretrack-keys-'));
    await seedPgliteDataDir(join(dataDir, 'pg')); // PGlite's initdb, copied rather than run again
    const master = await loadMasterKey({ dataDir });
    const connection = await openDatabase({ kind: 'embedded', dataDir: join(dataDir, 'pg') });
    ({ log } = await seed(connection, master));
    await connection.close();
  }, 60_000);
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('keys status names the master key and counts the keys', async () => {
    const { key } = await loadMasterKey({ dataDir });
    const { code, out } = await run(['keys', 'status'], { DATA_DIR: dataDir });
    expect(code).toBe(EXIT.ok);
    expect(out).toBe(
      `master key ${key.id} (DATA_DIR (${join(dataDir, GENERATED_MASTER_KEY_FILE)})): 2 data keys, 1 erased patient, 0 secrets\n`,
    );
  });

  it('keys rotate --generate re-wraps every key, installs the new key file and keeps the old one aside', async () => {
    const old = (await loadMasterKey({ dataDir })).key;
    const { code, out, err } = await run(['keys', 'rotate', '--generate'], { DATA_DIR: dataDir });
    expect([code, err]).toEqual([
      EXIT.ok,
      'note: the embedded database is opened by one process at a time: the service must be stopped\n',
    ]);
    const now = (await loadMasterKey({ dataDir })).key;
    expect(now.id).not.toBe(old.id);
    expect(out).toBe(
      `rotated the master key ${old.id} → ${now.id} in one transaction: 2 data keys and 0 secrets re-wrapped, 1 erased patient without a key, no event touched\n` +
        `the new key is ${join(dataDir, GENERATED_MASTER_KEY_FILE)}; the old one was kept as ${join(dataDir, `${GENERATED_MASTER_KEY_FILE}.retired-${old.id}`)}: ` +
        'destroy it once no backup made before now needs restoring\n',
    );
    expect((await stat(join(dataDir, GENERATED_MASTER_KEY_FILE))).mode & 0o777).toBe(0o600);

    const connection = await openDatabase({ kind: 'embedded', dataDir: join(dataDir, 'pg') });
    try {
      const events = await createPostgresEventStore({ connection });
      expect(await events.readAll({ maxCount: 100 })).toEqual(log);
      await expect(
        KeyStore.open(connection.db, { masterKey: { key: old, origin: 'the old key' } }),
      ).rejects.toBeInstanceOf(WrongMasterKeyError);
      const keys = await KeyStore.open(connection.db, { masterKey: { key: now, origin: 'the new key' } });
      expect((await decryptEvents(log, keys)).map((e) => e.data['lastName'])).toEqual([
        'Underhill-Zog',
        'Underhill-Zog',
        null,
      ]);
      await keys.close();
    } finally {
      await connection.close();
    }
  });
});

describe('caretrack keys [PostgreSQL server, DATA_KEY_FILE]', () => {
  let dir: string;
  let dbName: string;
  let env: Record<string, string>;
  let log: Awaited<ReturnType<typeof seed>>['log'];
  const current = MasterKey.generate();
  const next = MasterKey.generate();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'caretrack-keys-'));
    await writeFile(join(dir, 'current.key'), current.exportText(), { mode: 0o600 });
    await writeFile(join(dir, 'next.key'), next.exportText(), { mode: 0o600 });
    dbName = uniqueName('caretrack_keys');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    env = { DATABASE_URL: url.toString(), DATA_DIR: dir, DATA_KEY_FILE: join(dir, 'current.key') };
    const connection = await openDatabase({ kind: 'server', url: env['DATABASE_URL']! });
    ({ log } = await seed(connection, { key: current, origin: 'test' }));
    await connection.close();
  });
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses bad usage with exit 2 and changes nothing', async () => {
    for (const argv of [
      ['keys'],
      ['keys', 'rotate'],
      ['keys', 'rotate', '--generate', '--new-key-file', 'x'],
      ['keys', 'rotate', '--new-key-file'],
      ['keys', 'spin'],
    ]) {
      expect((await run(argv, env)).code).toBe(EXIT.usage);
    }
    const generate = await run(['keys', 'rotate', '--generate'], env);
    expect([generate.code, generate.err]).toEqual([EXIT.usage, expect.stringContaining('pass --new-key-file new.key')]);
    const missing = await run(['keys', 'rotate', '--new-key-file', join(dir, 'absent.key')], env);
    expect([missing.code, missing.err]).toEqual([
      EXIT.usage,
      expect.stringMatching(/--new-key-file: cannot read .*absent\.key \(ENOENT\)/),
    ]);
  });

  it('refuses to rotate from a key that is not the store’s (exit 1)', async () => {
    const wrong = await run(['keys', 'rotate', '--new-key-file', join(dir, 'next.key')], {
      ...env,
      DATA_KEY_FILE: '',
      DATA_KEY: MasterKey.generate().exportText(),
    });
    expect([wrong.code, wrong.err]).toEqual([
      EXIT.problem,
      expect.stringContaining(`made with master key id ${current.id}`),
    ]);
  });

  it('rotates to the key of --new-key-file in one transaction and says what to do next; a repeat changes nothing', async () => {
    const first = await run(['keys', 'rotate', '--new-key-file', join(dir, 'next.key')], env);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(
      new RegExp(
        `^rotated the master key ${current.id} → ${next.id} in one transaction: 2 data keys and 0 secrets re-wrapped, 1 erased patient without a key, no event touched\n`,
      ),
    );
    expect(first.out).toContain(`restart every instance with the new key (DATA_KEY_FILE=${join(dir, 'next.key')}`);
    expect(first.out).not.toContain(next.exportText());
    const again = await run(['keys', 'rotate', '--new-key-file', join(dir, 'next.key')], env);
    expect([again.code, again.out.split('\n')[0]]).toEqual([
      EXIT.ok,
      `the key store already uses master key ${next.id}: nothing re-wrapped`,
    ]);
    const status = await run(['keys', 'status'], { ...env, DATA_KEY_FILE: join(dir, 'next.key') });
    expect(status.out).toContain(`master key ${next.id}`);

    const connection = await openDatabase({ kind: 'server', url: env['DATABASE_URL']! });
    try {
      expect(await (await createPostgresEventStore({ connection })).readAll({ maxCount: 100 })).toEqual(log);
    } finally {
      await connection.close();
    }
    expect(await readFile(join(dir, 'current.key'), 'utf8')).toBe(current.exportText());
  });
});
