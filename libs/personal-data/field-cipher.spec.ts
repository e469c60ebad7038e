import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { UndecryptableEventError } from './errors.js';
import { ENCRYPTED_FIELD, openPersonalFields, sealPersonalFields, type KeyState } from './field-cipher.js';
import { MasterKey } from './master-key.js';
import { personalFieldCatalogue } from './personal-fields.js';
import { newDataKey, unwrapKey, wrapKey } from './wrap.js';

const consultation = personalFieldCatalogue.ConsultationRecorded;
const key = newDataKey();
const live: KeyState = { state: 'active', key };
const event = () => ({
  id: randomUUID(),
  type: 'ConsultationRecorded',
  data: {
    consultationId: 'c1',
    patientId: 'p1',
    doctorId: 'd1',
    consultationType: 'emergency',
    consultationDate: '2025-05-01',
    chiefComplaint: 'Zebulon-headache after the derby',
    diagnosis: 'Quixotic concussion',
    durationMinutes: 30,
  },
});

function rejection(run: () => unknown): UndecryptableEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof UndecryptableEventError) return error;
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('sealPersonalFields', () => {
  it('replaces the personal fields by one versioned ciphertext and keeps every other field in clear', () => {
    const e = event();
    const sealed = sealPersonalFields(e, consultation, key);
    expect(Object.keys(sealed).sort()).toEqual([
      '$encrypted',
      'consultationDate',
      'consultationId',
      'consultationType',
      'doctorId',
      'durationMinutes',
      'patientId',
    ]);
    expect(sealed[ENCRYPTED_FIELD]).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain('Zebulon');
    expect(text).not.toContain('Quixotic');
  });

  it('keeps the clear fields in their order after the ciphertext, a field named __proto__ as data', () => {
    const e = event();
    const data = JSON.parse(`{"__proto__":"x",${JSON.stringify(e.data).slice(1)}`) as Record<string, unknown>;
    const sealed = sealPersonalFields({ ...e, data }, consultation, key);
    expect(Object.keys(sealed)).toEqual([
      '$encrypted',
      '__proto__',
      'consultationId',
      'patientId',
      'doctorId',
      'consultationType',
      'consultationDate',
      'durationMinutes',
    ]);
    expect(Object.getPrototypeOf(sealed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(sealed, '__proto__')?.value).toBe('x');
  });

  it('uses a fresh IV each time: the same fields never give the same ciphertext', () => {
    const e = event();
    expect(sealPersonalFields(e, consultation, key)[ENCRYPTED_FIELD]).not.toBe(
      sealPersonalFields(e, consultation, key)[ENCRYPTED_FIELD],
    );
  });

  it('leaves data without personal fields as it is', () => {
    const data = { consultationId: 'c1', patientId: 'p1' };
    expect(sealPersonalFields({ id: randomUUID(), type: 'ConsultationRecorded', data }, consultation, key)).toBe(data);
  });
});

describe('openPersonalFields', () => {
  it('restores exactly the fields sealed, JSON objects included', () => {
    const e = event();
    expect(openPersonalFields({ ...e, data: sealPersonalFields(e, consultation, key) }, consultation, live)).toEqual(
      e.data,
    );
    const session = {
      id: randomUUID(),
      type: 'SessionStarted',
      data: { sessionId: 's1', playerId: 'p1', title: 'Derby', metadata: { camera: { angle: 30, tags: ['a', null] } } },
    };
    const spec = personalFieldCatalogue.SessionStarted;
    expect(openPersonalFields({ ...session, data: sealPersonalFields(session, spec, key) }, spec, live)).toEqual(
      session.data,
    );
  });

  it('refuses a ciphertext moved to another event (the event id is the associated data)', () => {
    const sealed = sealPersonalFields(event(), consultation, key);
    const error = rejection(() =>
      openPersonalFields({ id: randomUUID(), type: 'ConsultationRecorded', data: sealed }, consultation, live),
    );
    expect(error).toMatchObject({ code: 'personal_data_undecryptable', reason: 'authentication_failed' });
  });

  it('refuses a tampered ciphertext', () => {
    const e = event();
    const sealed = sealPersonalFields(e, consultation, key);
    const body = Buffer.from(String(sealed[ENCRYPTED_FIELD]).slice(3), 'base64url');
    body[20] = (body[20] ?? 0) ^ 1;
    const tampered = { ...sealed, [ENCRYPTED_FIELD]: `v1.${body.toString('base64url')}` };
    expect(rejection(() => openPersonalFields({ ...e, data: tampered }, consultation, live)).reason).toBe(
      'authentication_failed',
    );
  });

  it('refuses another data key, and names the event without any field value', () => {
    const e = event();
    const sealed = sealPersonalFields(e, consultation, key);
    const error = rejection(() =>
      openPersonalFields({ ...e, data: sealed }, consultation, { state: 'active', key: newDataKey() }),
    );
    expect(error.reason).toBe('authentication_failed');
    expect(error.eventId).toBe(e.id);
    expect(error.message).not.toMatch(/Zebulon|Quixotic/);
  });

  it('gives null for every personal field of the type once the key is destroyed', () => {
    const e = event();
    const opened = openPersonalFields({ ...e, data: sealPersonalFields(e, consultation, key) }, consultation, {
      state: 'erased',
    });
    expect(opened).toEqual({
      consultationId: 'c1',
      patientId: 'p1',
      doctorId: 'd1',
      consultationType: 'emergency',
      consultationDate: '2025-05-01',
      durationMinutes: 30,
      chiefComplaint: null,
      diagnosis: null,
      prescription: null,
      notes: null,
    });
  });

  it('also hides plaintext written before encryption existed once the subject is erased', () => {
    const e = event();
    expect(openPersonalFields(e, consultation, { state: 'erased' })).toMatchObject({
      chiefComplaint: null,
      diagnosis: null,
    });
    expect(openPersonalFields(e, consultation, undefined)).toBe(e.data);
  });

  it('reports ciphertext whose subject has no key at all as an error, not as an erasure', () => {
    const e = event();
    expect(
      rejection(() =>
        openPersonalFields({ ...e, data: sealPersonalFields(e, consultation, key) }, consultation, undefined),
      ).reason,
    ).toBe('no_data_key');
  });

  it('reports an unknown stored form as malformed', () => {
    const e = event();
    for (const envelope of ['v2.AAAA', 'v1.not base64!', 42, { v: 1 }]) {
      expect(
        rejection(() =>
          openPersonalFields({ ...e, data: { ...e.data, [ENCRYPTED_FIELD]: envelope } }, consultation, live),
        ).reason,
      ).toBe('malformed');
    }
  });
});

describe('wrapKey', () => {
  const master = MasterKey.generate();

  it('unwraps only under the same master key and for the same subject', () => {
    const dataKey = newDataKey();
    const wrapped = wrapKey(master, { kind: 'data-key', subjectId: 'p1' }, dataKey);
    expect(wrapped).toHaveLength(60);
    expect(unwrapKey(master, { kind: 'data-key', subjectId: 'p1' }, wrapped)?.export()).toEqual(dataKey.export());
    expect(unwrapKey(master, { kind: 'data-key', subjectId: 'p2' }, wrapped)).toBeNull();
    expect(unwrapKey(MasterKey.generate(), { kind: 'data-key', subjectId: 'p1' }, wrapped)).toBeNull();
    expect(unwrapKey(master, { kind: 'secret', name: 'p1' }, wrapped)).toBeNull();
  });
});
