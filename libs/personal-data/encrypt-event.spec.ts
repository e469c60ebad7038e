import { randomUUID, type KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DataKeys } from './data-keys.js';
import {
  decryptEvent,
  decryptEvents,
  encryptEvent,
  subjectOfEvent,
  withPersonalFieldsErased,
} from './encrypt-event.js';
import { PatientErasedError, UncataloguedEventError, UndecryptableEventError } from './errors.js';
import { ENCRYPTED_FIELD, type EventFields, type KeyState } from './field-cipher.js';
import { newDataKey } from './wrap.js';

/** Keys in a Map, counting lookups: the contract KeyStore implements on PostgreSQL. */
class MapKeys implements DataKeys {
  readonly keys = new Map<string, KeyState>();
  writes: string[] = [];
  reads: string[][] = [];

  async keyForWrite(subjectId: string): Promise<KeyObject> {
    this.writes.push(subjectId);
    let state = this.keys.get(subjectId);
    if (!state) this.keys.set(subjectId, (state = { state: 'active', key: newDataKey() }));
    if (state.state === 'erased') throw new PatientErasedError(subjectId);
    return state.key;
  }

  async keysForRead(subjectIds: readonly string[]): Promise<ReadonlyMap<string, KeyState>> {
    this.reads.push([...subjectIds]);
    return new Map(subjectIds.flatMap((s) => (this.keys.has(s) ? [[s, this.keys.get(s)!] as const] : [])));
  }
}

const registered = (patientId: string) => ({
  id: randomUUID(),
  type: 'PatientRegistered',
  data: { patientId, firstName: 'Wilhelmina', lastName: 'Xanthopoulos', dateOfBirth: '2004-02-29', sportType: 'rugby' },
});

describe('encryptEvent', () => {
  it('encrypts the personal fields under the subject key, creating it on first use', async () => {
    const keys = new MapKeys();
    const event = registered('p1');
    const stored = await encryptEvent(event, keys);
    expect(stored.id).toBe(event.id);
    expect(stored.data).toEqual({
      patientId: 'p1',
      sportType: 'rugby',
      [ENCRYPTED_FIELD]: expect.stringMatching(/^v1\./),
    });
    expect(keys.writes).toEqual(['p1']);
    expect(await decryptEvent(stored, keys)).toEqual(event);
  });

  it('uses the playerId of session events as their subject', async () => {
    const keys = new MapKeys();
    const started = {
      id: randomUUID(),
      type: 'SessionStarted',
      data: { sessionId: 's1', playerId: 'p7', sessionType: 'match', videoPath: '/v/p7.mp4' },
    };
    await encryptEvent(started, keys);
    expect(keys.writes).toEqual(['p7']);
    expect(subjectOfEvent(started)).toBe('p7');
  });

  it('touches no key for an event without personal fields, so facts about an erased patient are still accepted', async () => {
    const keys = new MapKeys();
    keys.keys.set('p1', { state: 'erased' });
    const logged = {
      id: randomUUID(),
      type: 'SymptomLogged',
      data: { patientId: 'p1', symptomId: 'headache', severity: 4 },
    };
    expect(await encryptEvent(logged, keys)).toBe(logged);
    const bare = {
      id: randomUUID(),
      type: 'ConsultationRecorded',
      data: { consultationId: 'c1', patientId: 'p1', doctorId: 'd1' },
    };
    expect(await encryptEvent(bare, keys)).toBe(bare);
    expect(keys.writes).toEqual([]);
  });

  it('refuses personal data for an erased patient (409 patient_erased)', async () => {
    const keys = new MapKeys();
    keys.keys.set('p1', { state: 'erased' });
    const assigned = {
      id: randomUUID(),
      type: 'DoctorAssigned',
      data: { patientId: 'p1', doctorId: 'd1', notes: 'knee' },
    };
    await expect(encryptEvent(assigned, keys)).rejects.toMatchObject({ code: 'patient_erased', subjectId: 'p1' });
  });

  it('refuses an event type the catalogue does not classify', async () => {
    await expect(
      encryptEvent({ id: randomUUID(), type: 'PatientNicknamed', data: { patientId: 'p1' } }, new MapKeys()),
    ).rejects.toBeInstanceOf(UncataloguedEventError);
  });

  it('keeps doctors in clear: staff are not data subjects', async () => {
    const keys = new MapKeys();
    const doctor = {
      id: randomUUID(),
      type: 'DoctorRegistered',
      data: { doctorId: 'd1', name: 'Dr Yolanda Zed', email: 'y@z.org' },
    };
    expect(await encryptEvent(doctor, keys)).toBe(doctor);
    expect(subjectOfEvent(doctor)).toBeNull();
  });
});

describe('decryptEvents', () => {
  it('looks the keys of a whole batch up at once, once per subject', async () => {
    const keys = new MapKeys();
    const events = await Promise.all(
      [registered('p1'), registered('p2'), registered('p1')].map((e) => encryptEvent(e, keys)),
    );
    const doctor = { id: randomUUID(), type: 'DoctorRegistered', data: { doctorId: 'd1', name: 'Dr Zed' } };
    const decrypted = await decryptEvents<EventFields>([...events, doctor], keys);
    expect(keys.reads).toEqual([['p1', 'p2']]);
    expect(decrypted.map((e) => e.data['firstName'] ?? e.data['name'])).toEqual([
      'Wilhelmina',
      'Wilhelmina',
      'Wilhelmina',
      'Dr Zed',
    ]);
  });

  it('shows an erased subject as null fields and the others in full', async () => {
    const keys = new MapKeys();
    const [p1, p2] = await Promise.all([encryptEvent(registered('p1'), keys), encryptEvent(registered('p2'), keys)]);
    keys.keys.set('p1', { state: 'erased' });
    const [erased, kept] = await decryptEvents([p1!, p2!], keys);
    expect(erased?.data).toEqual({
      patientId: 'p1',
      sportType: 'rugby',
      firstName: null,
      lastName: null,
      dateOfBirth: null,
    });
    expect(kept?.data['lastName']).toBe('Xanthopoulos');
  });

  it('fails the batch on a ciphertext that does not open, naming the event', async () => {
    const keys = new MapKeys();
    const good = await encryptEvent(registered('p1'), keys);
    const moved = { ...(await encryptEvent(registered('p1'), keys)), id: randomUUID() };
    await expect(decryptEvents([good, moved], keys)).rejects.toEqual(
      new UndecryptableEventError(moved.id, 'authentication_failed'),
    );
  });

  it('passes events of unknown types through unless they carry ciphertext', async () => {
    const keys = new MapKeys();
    const foreign = { id: randomUUID(), type: '$metadata', data: { maxAge: 1 } };
    expect(await decryptEvent(foreign, keys)).toBe(foreign);
    await expect(decryptEvent({ ...foreign, data: { [ENCRYPTED_FIELD]: 'v1.AAAA' } }, keys)).rejects.toMatchObject({
      reason: 'malformed',
    });
  });
});

describe('withPersonalFieldsErased', () => {
  it('gives the event as an erased subject’s reads, without any key', async () => {
    const keys = new MapKeys();
    const event = registered('p1');
    const erasedView = withPersonalFieldsErased(event);
    expect(erasedView.data).toEqual({
      patientId: 'p1',
      sportType: 'rugby',
      firstName: null,
      lastName: null,
      dateOfBirth: null,
    });
    keys.keys.set('p1', { state: 'erased' });
    expect(await decryptEvent(await encryptEvent(event, new MapKeys()), keys)).toEqual(erasedView);
    const logged = { id: randomUUID(), type: 'SymptomLogged', data: { patientId: 'p1', severity: 1 } };
    expect(withPersonalFieldsErased(logged)).toBe(logged);
  });
});
