import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import type { DatabaseConnection } from '../../libs/read-store/connection.js';
import {
  decryptEvents,
  encryptEvent,
  KeyStore,
  KeyStoreCorruptError,
  MasterKey,
  MasterKeyRotatedError,
  PatientErasedError,
  rotateMasterKey,
  WrongMasterKeyError,
} from '../../libs/personal-data/index.js';
import { uniqueName } from '../support/databases.js';

/** What a backend's test file hands the suite: connections to one database. */
export type KeyStoreTarget = {
  backend: string;
  /** a connection to the database; a server target opens a new pool per call (another process) */
  connect(): Promise<DatabaseConnection>;
  /** whether two connections really run transactions side by side (not PGlite) */
  concurrent: boolean;
  /** drops a schema made by the suite */
  dropSchema(schema: string): Promise<void>;
};

const registered = (patientId: string) => ({
  id: randomUUID(),
  type: 'PatientRegistered',
  data: { patientId, firstName: 'Ottoline', lastName: 'Quarrington-Vex', sportType: 'hockey' },
});

async function waitFor(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The key store's contract on one PostgreSQL (server or PGlite). */
export function keyStoreSuite(target: KeyStoreTarget): void {
  describe(`KeyStore [backend: ${target.backend}]`, () => {
    const connections: DatabaseConnection[] = [];
    const schemas: string[] = [];
    let conn: DatabaseConnection;
    const connect = async () => {
      const c = await target.connect();
      connections.push(c);
      return c;
    };
    /** A key store in a fresh schema; `another` opens it again as a second process would. */
    const fresh = async (master = MasterKey.generate()) => {
      const schema = uniqueName('keys');
      schemas.push(schema);
      const open = async (key: MasterKey, c: DatabaseConnection = conn) =>
        KeyStore.open(c.db, {
          schema,
          masterKey: { key, origin: 'the test' },
          listen: (channel, wake) => c.listen(channel, wake),
        });
      const store = await open(master);
      return {
        schema,
        master,
        store,
        open,
        another: async (key = master) => open(key, target.concurrent ? await connect() : conn),
      };
    };
    const rows = async (schema: string, table: string) =>
      (await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(schema, table)} ORDER BY 1`.execute(conn.db)).rows;

    beforeAll(async () => {
      conn = await connect();
      process.stdout.write(`key store suite running against: ${target.backend}\n`);
    });
    afterAll(async () => {
      for (const schema of schemas) await target.dropSchema(schema);
      for (const c of connections.reverse()) await c.close();
    });

    it('creates a subject’s key on first use and keeps only its wrapped form', async () => {
      const { schema, store, another } = await fresh();
      const key = await store.keyForWrite('p1');
      expect((await store.keyForWrite('p1')).export()).toEqual(key.export());
      const [row] = await rows(schema, 'data_keys');
      expect(row).toMatchObject({ subject_id: 'p1', master_key_id: store.masterKeyId, erased_at: null });
      const wrapped = Buffer.from(row!['wrapped_key'] as Uint8Array);
      expect(wrapped).toHaveLength(60);
      expect(wrapped.includes(key.export())).toBe(false);
      const other = await another();
      expect((await other.keyForWrite('p1')).export()).toEqual(key.export());
    });

    it('gives concurrent first uses from two processes one and the same key', async () => {
      const { schema, store, another } = await fresh();
      const other = await another();
      const keys = await Promise.all(
        Array.from({ length: 16 }, (_, i) => (i % 2 ? store : other).keyForWrite('p-race')),
      );
      expect(new Set(keys.map((k) => k.export().toString('hex'))).size).toBe(1);
      expect(await rows(schema, 'data_keys')).toHaveLength(1);
    });

    it('creates many subjects’ keys in one go: the same keys keyForWrite and another process then give; an erased one refused', async () => {
      const { schema, store, another } = await fresh();
      const existing = await store.keyForWrite('p0');
      const subjects = Array.from({ length: 50 }, (_, i) => `p${i}`);
      const keys = await store.keysForWrite([...subjects, 'p3']);
      expect([...keys.keys()].sort()).toEqual([...subjects].sort());
      expect(keys.get('p0')!.export()).toEqual(existing.export());
      expect(new Set([...keys.values()].map((k) => k.export().toString('hex'))).size).toBe(50);
      expect(await rows(schema, 'data_keys')).toHaveLength(50);
      const other = await another();
      expect((await other.keyForWrite('p7')).export()).toEqual(keys.get('p7')!.export());
      const racing = await Promise.all([other.keysForWrite(['q1', 'q2']), store.keysForWrite(['q2', 'q1'])]);
      expect(racing[0].get('q1')!.export()).toEqual(racing[1].get('q1')!.export());
      await other.destroy('p9');
      await expect((await another()).keysForWrite(['p8', 'p9'])).rejects.toBeInstanceOf(PatientErasedError);
    });

    it('lets another process decrypt what one encrypted', async () => {
      const { store, another } = await fresh();
      const event = registered('p1');
      const stored = await encryptEvent(event, store);
      expect(JSON.stringify(stored)).not.toContain('Ottoline');
      expect(await decryptEvents([stored], await another())).toEqual([event]);
    });

    it('destroys a key for good: no wrapped key left, erased_at kept, null fields, 409 for new personal data', async () => {
      const { schema, store } = await fresh();
      const stored = await encryptEvent(registered('p1'), store);
      const erasure = await store.destroy('p1');
      expect(erasure.alreadyErased).toBe(false);
      const [row] = await rows(schema, 'data_keys');
      expect(row).toMatchObject({ subject_id: 'p1', wrapped_key: null, master_key_id: null });
      expect(new Date(row!['erased_at'] as string).getTime()).toBe(erasure.erasedAt.getTime());
      const [view] = await decryptEvents([stored], store);
      expect(view?.data).toEqual({
        patientId: 'p1',
        sportType: 'hockey',
        firstName: null,
        lastName: null,
        dateOfBirth: null,
      });
      await expect(store.keyForWrite('p1')).rejects.toEqual(new PatientErasedError('p1'));
      await expect(encryptEvent(registered('p1'), store)).rejects.toMatchObject({ code: 'patient_erased' });
      const again = await store.destroy('p1');
      expect(again).toEqual({ erasedAt: erasure.erasedAt, alreadyErased: true });
    });

    it('erases a subject that never had a key, so none is made later', async () => {
      const { schema, store, another } = await fresh();
      await store.destroy('never-keyed');
      expect(await rows(schema, 'data_keys')).toEqual([
        expect.objectContaining({ subject_id: 'never-keyed', wrapped_key: null }),
      ]);
      await expect((await another()).keyForWrite('never-keyed')).rejects.toBeInstanceOf(PatientErasedError);
    });

    it('evicts a key another process cached when this one erases it', async () => {
      const { store, another } = await fresh();
      const stored = await encryptEvent(registered('p1'), store);
      const other = await another();
      expect((await decryptEvents([stored], other))[0]?.data['firstName']).toBe('Ottoline'); // cached there now
      await store.destroy('p1');
      await waitFor(
        async () => (await decryptEvents([stored], other))[0]?.data['firstName'] === null,
        'the other cache to drop the key',
      );
      await expect(other.keyForWrite('p1')).rejects.toBeInstanceOf(PatientErasedError);
    });

    it('forgets a cached key on demand (the engine does so on reading PatientErased)', async () => {
      const { schema, store } = await fresh();
      const stored = await encryptEvent(registered('p1'), store);
      await store.keysForRead(['p1']);
      // the row is erased behind the store's back (no notice): the cache still answers until forget()
      await sql`UPDATE ${sql.id(schema, 'data_keys')} SET wrapped_key = NULL, master_key_id = NULL, erased_at = now()`.execute(
        conn.db,
      );
      expect((await decryptEvents([stored], store))[0]?.data['firstName']).toBe('Ottoline');
      store.forget('p1');
      expect((await decryptEvents([stored], store))[0]?.data['firstName']).toBeNull();
    });

    it('refuses a wrong master key at open, naming both key ids and where the key came from', async () => {
      const { schema, store, open } = await fresh();
      await store.keyForWrite('p1');
      const before = await rows(schema, 'data_keys');
      const wrong = MasterKey.generate();
      const error = await open(wrong).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongMasterKeyError);
      expect(String(error)).toContain(
        `master key from the test (id ${wrong.id}) does not open the key store in schema ${schema}`,
      );
      expect(String(error)).toContain(`made with master key id ${store.masterKeyId}`);
      expect(await rows(schema, 'data_keys')).toEqual(before);
    });

    it('shares a named secret between processes and keeps it across a rotation', async () => {
      const { store, another, master, open } = await fresh();
      const secret = await store.secret('export-pseudonym');
      expect((await (await another()).secret('export-pseudonym')).export()).toEqual(secret.export());
      const next = MasterKey.generate();
      await rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema: store.schema });
      expect((await (await open(next)).secret('export-pseudonym')).export()).toEqual(secret.export());
    });

    describe('rotateMasterKey', () => {
      it('re-wraps every data key under the new master key in one go and touches no event', async () => {
        const { schema, master, store, open } = await fresh();
        const eventSchema = uniqueName('ev');
        schemas.push(eventSchema);
        const events = await createPostgresEventStore({ connection: conn, schema: eventSchema });
        const originals = [registered('p1'), registered('p2'), registered('p3')];
        const stored = await Promise.all(originals.map((e) => encryptEvent(e, store)));
        for (const e of stored)
          await events.appendToStream(`patient-${e.data['patientId'] as string}`, [{ ...e, metadata: {} }]);
        await store.destroy('p3');
        await store.secret('export-pseudonym');
        const logBefore = await events.readAll({ maxCount: 100 });
        const next = MasterKey.generate();

        const rotation = await rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema });

        expect(rotation).toEqual({
          from: master.id,
          to: next.id,
          dataKeys: 2,
          erased: 1,
          secrets: 1,
          alreadyDone: false,
        });
        expect((await rows(schema, 'data_keys')).map((r) => r['master_key_id'])).toEqual([next.id, next.id, null]);
        expect(await events.readAll({ maxCount: 100 })).toEqual(logBefore);
        const reopened = await open(next);
        const views = await decryptEvents(await events.readAll({ maxCount: 100 }), reopened);
        expect(views.map((v) => v.data['firstName'])).toEqual(['Ottoline', 'Ottoline', null]);
        await expect(open(master)).rejects.toBeInstanceOf(WrongMasterKeyError);
        await events.close();
      });

      it('stops a process still holding the old master key from making or opening keys', async () => {
        const { master, store } = await fresh();
        await store.keyForWrite('p1');
        store.forget('p1');
        await rotateMasterKey(conn.db as Kysely<unknown>, {
          from: master,
          to: MasterKey.generate(),
          schema: store.schema,
        });
        await expect(store.keyForWrite('p-new')).rejects.toBeInstanceOf(MasterKeyRotatedError);
        await expect(store.keysForRead(['p1'])).rejects.toBeInstanceOf(MasterKeyRotatedError);
      });

      it('changes nothing when one wrapped key does not open (all or nothing)', async () => {
        const { schema, master, store } = await fresh();
        for (const p of ['p1', 'p2', 'p3']) await store.keyForWrite(p);
        // p2's wrapped key moved onto p3's row: it no longer opens there (the subject is bound in)
        await sql`UPDATE ${sql.id(schema, 'data_keys')} SET wrapped_key = (SELECT wrapped_key FROM ${sql.id(schema, 'data_keys')} WHERE subject_id = 'p2')
          WHERE subject_id = 'p3'`.execute(conn.db);
        const keysBefore = await rows(schema, 'data_keys');
        const masterBefore = await rows(schema, 'master_key');
        const error = await rotateMasterKey(conn.db as Kysely<unknown>, {
          from: master,
          to: MasterKey.generate(),
          schema,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KeyStoreCorruptError);
        expect(String(error)).toContain('p3');
        expect(await rows(schema, 'data_keys')).toEqual(keysBefore);
        expect(await rows(schema, 'master_key')).toEqual(masterBefore);
      });

      it('refuses a current key that is not the store’s, and does nothing the second time', async () => {
        const { schema, master, store } = await fresh();
        await store.keyForWrite('p1');
        const next = MasterKey.generate();
        await expect(
          rotateMasterKey(conn.db as Kysely<unknown>, { from: MasterKey.generate(), to: next, schema }),
        ).rejects.toBeInstanceOf(WrongMasterKeyError);
        await rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema });
        const keysAfter = await rows(schema, 'data_keys');
        expect(await rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema })).toMatchObject({
          alreadyDone: true,
          dataKeys: 0,
        });
        expect(await rows(schema, 'data_keys')).toEqual(keysAfter);
        await expect(rotateMasterKey(conn.db as Kysely<unknown>, { from: next, to: next, schema })).rejects.toThrow(
          'nothing to rotate',
        );
      });

      it('finishes a rotation whose new key file was not yet installed when the process died', async () => {
        const { schema, master, open } = await fresh();
        const next = MasterKey.generate();
        await rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema });
        let promoted = 0;
        const store = await KeyStore.open(conn.db, {
          schema,
          masterKey: { key: master, origin: 'the test', pending: { key: next, promote: async () => void promoted++ } },
        });
        expect([store.masterKeyId, promoted]).toEqual([next.id, 1]);
        await expect(open(master)).rejects.toBeInstanceOf(WrongMasterKeyError);
      });

      if (target.concurrent) {
        it('re-wraps a key made while it waited: a creation in flight holds the rotation back', async () => {
          const { schema, master } = await fresh();
          const next = MasterKey.generate();
          let rotation: Promise<unknown> = Promise.resolve();
          const store = await KeyStore.open((await connect()).db, {
            schema,
            masterKey: { key: master, origin: 'the test' },
            hooks: {
              beforeCreateCommit: async () => {
                rotation = rotateMasterKey(conn.db as Kysely<unknown>, { from: master, to: next, schema });
                await new Promise((resolve) => setTimeout(resolve, 300)); // the rotation runs meanwhile, or waits
              },
            },
          });
          await store.keyForWrite('p-in-flight');
          await rotation;
          expect((await rows(schema, 'data_keys')).map((r) => r['master_key_id'])).toEqual([next.id]);
          const reopened = await KeyStore.open(conn.db, { schema, masterKey: { key: next, origin: 'the test' } });
          expect((await reopened.keysForRead(['p-in-flight'])).get('p-in-flight')?.state).toBe('active');
        });

        it('refuses a key made after the rotation locked the master key, instead of wrapping it under the old one', async () => {
          const { schema, master, another } = await fresh();
          const other = await another();
          const next = MasterKey.generate();
          let creation: Promise<unknown> = Promise.resolve();
          await rotateMasterKey(conn.db as Kysely<unknown>, {
            from: master,
            to: next,
            schema,
            afterLock: async () => {
              creation = other.keyForWrite('p-late').catch((error: unknown) => error);
              await new Promise((resolve) => setTimeout(resolve, 300)); // the creation runs meanwhile, or waits
            },
          });
          expect(await creation).toBeInstanceOf(MasterKeyRotatedError);
          expect(await rows(schema, 'data_keys')).toEqual([]);
        });
      }
    });
  });
}
