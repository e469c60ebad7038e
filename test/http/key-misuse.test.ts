/**
 * SPEC §9, key misuse: the event id is the ciphertext's associated data, so personal fields
 * copied from one stored event into another (same patient, same key) do not open. Such an event
 * is reported, never served: the projection faults on it with its id and
 * `personal_data_undecryptable` and writes no row from it; the audit history marks it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ProjectionRunner } from '../../libs/projection-engine/index.js';
import { keyStoreOpener } from '../../libs/projection-engine/open-events.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { patientsProjection } from '../../projections/patients/patients.projection.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS, uid, type Accepted } from '../support/commands.js';

describe('a ciphertext moved to another event [PGlite]', () => {
  let app: TestApp;
  const patientId = uid('p');
  let moved = '';
  let intact = '';

  beforeAll(async () => {
    app = await startTestApp('embedded', apiKeysEnv);
    const client = commandClient(app);
    await client.ok('RegisterPatient', { patientId, firstName: 'Isolde', lastName: 'Marchbanks' });
    intact = ((await client.ok('UpdatePatientProfile', { patientId, lastName: 'Marchbanks-Tey' })) as Accepted)
      .events[0]!.id;
    moved = ((await client.ok('UpdatePatientProfile', { patientId, firstName: 'Isa' })) as Accepted).events[0]!.id;
    // the runner has applied them; stop it, then move the second update's ciphertext onto the third
    await app.runner.stop();
    await sql`UPDATE caretrack_events.events SET data = jsonb_set(data::jsonb, '{$encrypted}', (SELECT data::jsonb->'$encrypted' FROM caretrack_events.events WHERE event_id = ${intact}::uuid))
      WHERE event_id = ${moved}::uuid`.execute(app.infrastructure.database.db);
  }, 60_000);
  afterAll(async () => app?.close());

  it('the audit history marks the event and serves none of its personal fields', async () => {
    const res = await app.app.inject({
      method: 'GET',
      url: `/audit/streams/patient-${patientId}`,
      headers: { authorization: `Bearer ${TEST_KEYS.auditor}` },
    });
    const events = (res.json() as { events: { id: string; data: Record<string, unknown>; personalData?: unknown }[] })
      .events;
    expect(events.find((e) => e.id === intact)).toMatchObject({ data: { lastName: 'Marchbanks-Tey' } });
    const bad = events.find((e) => e.id === moved)!;
    expect(bad.personalData).toEqual({ error: 'personal_data_undecryptable', reason: 'authentication_failed' });
    expect(bad.data).toMatchObject({ patientId, firstName: null, lastName: null });
    expect(res.body).not.toContain('Isa"');
  });

  it('a projection replaying it faults on it (event id, personal_data_undecryptable) and writes no row from it', async () => {
    const db = app.infrastructure.database.db;
    await sql`UPDATE caretrack_projections.checkpoints SET position = NULL WHERE name = 'patients'`.execute(db);
    await sql`DELETE FROM public.patients`.execute(db);
    const runner = new ProjectionRunner({
      db,
      store: app.infrastructure.eventStore,
      opener: keyStoreOpener(app.infrastructure.keyStore),
      projections: [patientsProjection],
      context: defaultProjectionContext(),
      configTexts: { triageMap: '', stages: '' },
      logger: pino({ level: 'silent' }),
      leaseRenewMs: 200,
    });
    await runner.start();
    try {
      let faulted: { status: string; lastError: { eventId: string | null; message: string } | null } | undefined;
      for (let i = 0; i < 100 && faulted?.status !== 'faulted'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const res = await app.app.inject({
          method: 'GET',
          url: '/admin/projections',
          headers: { authorization: `Bearer ${TEST_KEYS.admin}` },
        });
        faulted = (
          res.json() as {
            projections: {
              name: string;
              status: string;
              lastError: { eventId: string | null; message: string } | null;
            }[];
          }
        ).projections.find((p) => p.name === 'patients');
      }
      expect(faulted).toMatchObject({
        status: 'faulted',
        lastError: { eventId: moved, message: expect.stringContaining('personal_data_undecryptable') },
      });
      expect(faulted!.lastError!.message).toContain(moved);
      // the events before it were applied; nothing from it
      const { rows } = await sql<{
        first_name: string;
        last_name: string;
      }>`SELECT first_name, last_name FROM public.patients WHERE patient_id = ${patientId}`.execute(db);
      expect(rows).toEqual([{ first_name: 'Isolde', last_name: 'Marchbanks-Tey' }]);
    } finally {
      await runner.stop();
    }
  }, 60_000);
});
