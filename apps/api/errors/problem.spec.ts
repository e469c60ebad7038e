import { describe, expect, it } from '@jest/globals';
import {
  LostTurn,
  NoPreviousTables,
  RebuildInProgress,
  UnknownProjection,
} from '../../../libs/projection-engine/errors.js';
import {
  KeyStoreCorruptError,
  MasterKeyRotatedError,
  PatientErasedError,
  UndecryptableEventError,
} from '../../../libs/personal-data/errors.js';
import { toProblem } from './problem.js';

describe('toProblem for personal data', () => {
  it('answers personal data for an erased patient with 409 patient_erased', () => {
    expect(toProblem(new PatientErasedError('p1'))).toEqual({
      problem: {
        type: 'https://caretrack.dev/problems/patient_erased',
        title: 'Conflict',
        status: 409,
        detail: 'patient p1 was erased: personal data for them is no longer accepted',
        code: 'patient_erased',
      },
      internal: false,
    });
  });

  it('answers 503 when the master key was rotated under this instance, and logs it', () => {
    const { problem, internal } = toProblem(new MasterKeyRotatedError('aaaa', 'bbbb'));
    expect([problem.status, problem.code, internal]).toEqual([503, 'master_key_rotated', true]);
    expect(problem.detail).not.toContain('aaaa');
  });

  it('reports an undecryptable event or a corrupt key store by code and event id, and logs it', () => {
    const undecryptable = toProblem(
      new UndecryptableEventError('0b7c6f0e-7d43-4a55-9d0c-6f1f1c2a9e11', 'authentication_failed'),
    );
    expect(undecryptable).toMatchObject({
      problem: { status: 500, code: 'personal_data_undecryptable' },
      internal: true,
    });
    expect(undecryptable.problem.detail).toBe(
      'the personal fields of event 0b7c6f0e-7d43-4a55-9d0c-6f1f1c2a9e11 cannot be decrypted (authentication failed)',
    );
    expect(toProblem(new KeyStoreCorruptError('subject p1'))).toMatchObject({
      problem: { status: 500, code: 'key_store_corrupt' },
      internal: true,
    });
  });
});

describe('toProblem for the projection engine', () => {
  it('maps every engine error by its code, in the one filter', () => {
    expect(toProblem(new UnknownProjection('nope'))).toEqual({
      problem: expect.objectContaining({ status: 404, code: 'not_found', detail: 'no projection named nope' }),
      internal: false,
    });
    expect(toProblem(new RebuildInProgress('patients')).problem).toMatchObject({
      status: 409,
      code: 'rebuild_in_progress',
    });
    expect(toProblem(new NoPreviousTables('patients')).problem).toMatchObject({
      status: 409,
      code: 'no_previous_tables',
    });
  });

  it('keeps a lost turn internal: a bare 500, logged', () => {
    expect(toProblem(new LostTurn('patients'))).toEqual({
      problem: expect.objectContaining({ status: 500, code: 'internal_error' }),
      internal: true,
    });
  });
});
