import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ENCRYPTED_FIELD, KeyStore, MasterKey } from '../../../libs/personal-data/index.js';
import { openDatabase, type DatabaseConnection } from '../../../libs/read-store/connection.js';
import type { ImportedAppend } from './append-imported.js';
import { SerialSealer, type SealingKeys } from './seal-imported.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A wave registering these (new) patients: each needs a data key created. */
function registering(patients: readonly string[]): ImportedAppend[] {
  return patients.map((patientId) => ({
    streamId: `patient-${patientId}`,
    expectedRevision: 'no_stream',
    events: [
      { id: randomUUID(), type: 'PatientRegistered', data: { patientId, firstName: 'Ada', lastName: patientId } },
    ],
  }));
}

describe('SerialSealer: waves handed over together are sealed one after another', () => {
  let connection: DatabaseConnection;
  let keys: KeyStore;

  beforeAll(async () => {
    const url = process.env['TEST_DATABASE_URL'];
    connection = await openDatabase(url ? { kind: 'server', url } : { kind: 'embedded', dataDir: null });
    keys = await KeyStore.open(connection.db, {
      masterKey: { key: MasterKey.parse(Buffer.alloc(32, 0x17).toString('base64'))!, origin: 'the test' },
    });
  });
  afterAll(async () => connection.close());

  it('never creates two waves’ keys at once (overlapping new patients in different orders deadlocked)', async () => {
    let open = 0;
    let most = 0;
    const counting: SealingKeys = {
      keyForWrite: (id) => keys.keyForWrite(id),
      keysForRead: (ids) => keys.keysForRead(ids),
      keysForWrite: async (ids) => {
        most = Math.max(most, ++open);
        try {
          await sleep(20); // a key transaction that takes a while, as under load
          return await keys.keysForWrite(ids);
        } finally {
          open--;
        }
      },
    };
    const sealer = new SerialSealer(counting);
    const tag = randomUUID().slice(0, 6);
    const [a, b, c] = [`${tag}-a`, `${tag}-b`, `${tag}-c`];
    const sealed = await Promise.all([
      sealer.seal(registering([a, b, c])),
      sealer.seal(registering([c, b, a])),
      sealer.seal(registering([b, a])),
    ]);
    expect(most).toBe(1);
    for (const wave of sealed)
      for (const append of wave) {
        expect(append.events[0]!.data).toHaveProperty(ENCRYPTED_FIELD);
        expect(JSON.stringify(append.events[0]!.data)).not.toContain('Ada');
      }
  });

  it('a wave whose sealing fails does not stop the next one from being sealed', async () => {
    let calls = 0;
    const failingOnce: SealingKeys = {
      keyForWrite: (id) => keys.keyForWrite(id),
      keysForRead: (ids) => keys.keysForRead(ids),
      keysForWrite: async (ids) => {
        if (calls++ === 0) throw new Error('key store down');
        return keys.keysForWrite(ids);
      },
    };
    const sealer = new SerialSealer(failingOnce);
    const first = sealer.seal(registering([`${randomUUID().slice(0, 6)}-x`]));
    const second = sealer.seal(registering([`${randomUUID().slice(0, 6)}-y`]));
    await expect(first).rejects.toThrow('key store down');
    await expect(second).resolves.toHaveLength(1);
  });
});
