import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ProjectionAdmin } from '../../libs/projection-engine/index.js';
import { allProjections } from '../../projections/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS } from '../support/commands.js';
import { keyStoreOpener } from '../../libs/projection-engine/open-events.js';

const root = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const admin = { authorization: `Bearer ${TEST_KEYS.admin}` };
const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };
type TrackerRow = { current_stage?: string | null; currentStage?: string | null };
const stagesOf = (body: unknown) =>
  ((body as { items: TrackerRow[] }).items ?? []).map((r) => r.current_stage ?? r.currentStage ?? null);

const stageNames = [
  'symptom_limited_activity',
  'light_aerobic_exercise',
  'sport_specific_exercise',
  'non_contact_training',
  'full_contact_practice',
  'return_to_sport',
];

/** Every stage renamed `<name>_v2`: a rule change whose effect shows in tracker_export.current_stage. */
async function renamedStages(dir: string): Promise<string> {
  const text = await readFile(join(root, 'projections/config/stages.yaml'), 'utf8');
  const renamed = stageNames.reduce((t, name) => t.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}_v2`), text);
  if (stageNames.some((name) => !renamed.includes(`${name}_v2`)))
    throw new Error('stages.yaml no longer names the six default stages');
  const path = join(dir, 'stages.yaml');
  await writeFile(path, renamed);
  return path;
}

async function seed(app: TestApp, patients: number) {
  const client = commandClient(app);
  let position = '0';
  for (let i = 0; i < patients; i++) {
    await client.ok('RegisterPatient', { patientId: `rb${i}`, firstName: 'A', lastName: `B${i}` });
    for (let l = 0; l < 4; l++) {
      const accepted = await client.ok('LogSymptom', {
        patientId: `rb${i}`,
        symptomId: 'headache',
        severity: l === 0 ? 4 : 1,
        loggedAt: new Date(Date.UTC(2026, 5, 1) + l * 30 * 3_600_000).toISOString(),
      });
      position = accepted.position;
    }
  }
  return position;
}

async function tableComment(app: TestApp): Promise<string | null> {
  const { rows } = await sql<{
    c: string | null;
  }>`SELECT obj_description('public.tracker_export'::regclass, 'pg_class') AS c`.execute(
    app.infrastructure.database.db,
  );
  return rows[0]!.c;
}

async function status(app: TestApp, name: string) {
  const res = await app.app.inject({ method: 'GET', url: '/admin/projections', headers: admin });
  return (res.json() as { projections: { name: string; status: string; stale: boolean }[] }).projections.find(
    (p) => p.name === name,
  )!;
}

async function untilRebuilt(app: TestApp, name: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.app.inject({ method: 'GET', url: `/admin/projections/${name}/rebuild`, headers: admin });
    const body = res.json() as { state: string };
    if (['swapped', 'failed'].includes(body.state)) return body;
    if (Date.now() > deadline) throw new Error(`rebuild of ${name} still ${body.state}`);
    await sleep(100);
  }
}

describe('versioned projections: stale, rebuild while traffic flows, verify, rollback [PostgreSQL server]', () => {
  let dir: string;
  let first: TestApp;
  let app: TestApp;
  let databaseUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'caretrack-rebuild-'));
    await copyFile(join(root, 'projections/config/stages.yaml'), join(dir, 'original-stages.yaml'));
    first = await startTestApp('server', apiKeysEnv);
    databaseUrl = first.config.databaseUrl!;
    const position = await seed(first, 12);
    const res = await first.app.inject({
      method: 'GET',
      url: '/exports/tracker',
      headers: { ...reader, 'x-min-position': position },
    });
    expect(res.statusCode).toBe(200);
    await first.runner.stop();
    await first.app.close();
    // The same database, started again with changed rules.
    app = await startTestApp('server', {
      ...apiKeysEnv,
      DATABASE_URL: databaseUrl,
      STAGES_PATH: await renamedStages(dir),
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await first?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a changed stages.yaml makes the tracker projections stale, and queries say so', async () => {
    expect(await status(app, 'tracker_export')).toMatchObject({ status: 'stale', stale: true });
    expect(await status(app, 'patient_timeline')).toMatchObject({ stale: true });
    expect((await status(app, 'patients')).stale).toBe(false);
    const res = await app.app.inject({ method: 'GET', url: '/exports/tracker', headers: reader });
    expect(res.headers['x-projection-stale']).toBe('true');
  });

  it('rebuilds while commands and queries flow: no query fails or sees a half-built table, then the new stages show', async () => {
    const client = commandClient(app);
    let stop = false;
    const failures: string[] = [];
    const partial: number[] = [];
    await sql`COMMENT ON TABLE tracker_export IS 'before-rebuild'`.execute(app.infrastructure.database.db);
    const traffic = (async () => {
      for (let n = 0; !stop && n < 2000; n++) {
        await client.ok('LogSymptom', {
          patientId: `rb${n % 12}`,
          symptomId: 'dizziness',
          severity: 0,
          loggedAt: new Date(Date.UTC(2026, 5, 10) + n * 60_000).toISOString(),
        });
        const res = await app.app.inject({ method: 'GET', url: '/exports/tracker', headers: reader });
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${res.body}`);
        // Until the swap the stale projection applies new events with the new rules to its old
        // rows (SPEC §6), so names may mix; what must never happen is a missing row.
        const rows = ((res.json() as { items?: unknown[] }).items ?? []).length;
        if (rows < 12) partial.push(rows);
      }
    })();
    const started = await app.app.inject({
      method: 'POST',
      url: '/admin/projections/tracker_export/rebuild',
      headers: admin,
    });
    expect(started.statusCode).toBe(202);
    const again = await app.app.inject({
      method: 'POST',
      url: '/admin/projections/tracker_export/rebuild',
      headers: admin,
    });
    expect(again.statusCode).toBe(409);
    const done = await untilRebuilt(app, 'tracker_export');
    await sleep(300);
    stop = true;
    await traffic;
    expect(done).toMatchObject({ state: 'swapped', differences: [] });
    expect(failures).toEqual([]);
    expect(partial).toEqual([]);
    expect(await tableComment(app)).toBeNull(); // the live table is the rebuilt one
    const progress = (
      await app.app.inject({ method: 'GET', url: '/admin/projections/tracker_export/rebuild', headers: admin })
    ).json() as Record<string, unknown>;
    expect(progress['processed']).toBeGreaterThan(0);
    expect(progress['eventsPerSecond']).toEqual(expect.any(Number));
    const res = await app.app.inject({ method: 'GET', url: '/exports/tracker', headers: reader });
    expect(res.headers['x-projection-stale']).toBeUndefined();
    const stages = stagesOf(res.json());
    expect(stages.filter(Boolean).length).toBeGreaterThan(0);
    expect(stages.filter(Boolean).every((stage) => stage!.endsWith('_v2'))).toBe(true);
    expect((await status(app, 'tracker_export')).stale).toBe(false);
  }, 120_000);

  it('verify reports no difference on a correct table and finds a tampered row, changing nothing', async () => {
    const ok = await app.app.inject({ method: 'POST', url: '/admin/projections/patients/verify', headers: admin });
    expect(ok.json()).toMatchObject({ matches: true, differences: [] });
    await sql`UPDATE patients SET last_name = 'Tampered' WHERE patient_id = 'rb3'`.execute(
      app.infrastructure.database.db,
    );
    const bad = (
      await app.app.inject({ method: 'POST', url: '/admin/projections/patients/verify', headers: admin })
    ).json() as {
      matches: boolean;
      differences: {
        table: string;
        onlyLeft: number;
        onlyRight: number;
        examplesLeft: { key: object; columns: string[] | null }[];
      }[];
    };
    expect(bad.matches).toBe(false);
    expect(bad.differences).toEqual([expect.objectContaining({ table: 'patients', onlyLeft: 1, onlyRight: 1 })]);
    // named by key and column, never by value (SPEC §9: no copy of a personal field in a side table)
    expect(bad.differences[0]!.examplesLeft).toEqual([{ key: { patient_id: 'rb3' }, columns: ['last_name'] }]);
    expect(JSON.stringify(bad.differences)).not.toMatch(/Tampered|B3/);
    const { rows } = await sql<{ last_name: string }>`SELECT last_name FROM patients WHERE patient_id = 'rb3'`.execute(
      app.infrastructure.database.db,
    );
    expect(rows[0]!.last_name).toBe('Tampered'); // verify changed nothing
    await sql`UPDATE patients SET last_name = 'B3' WHERE patient_id = 'rb3'`.execute(app.infrastructure.database.db);
  });

  it('rollback swaps the previous tables back (old stages, stale again), and a second rollback swaps forward', async () => {
    const back = await app.app.inject({
      method: 'POST',
      url: '/admin/projections/tracker_export/rollback',
      headers: admin,
    });
    expect(back.statusCode).toBe(200);
    expect(await tableComment(app)).toBe('before-rebuild'); // the previous physical table is live again
    expect((await status(app, 'tracker_export')).stale).toBe(true);
    // The runner catches the previous rows up on what happened since the swap.
    const accepted = await commandClient(app).ok('LogSymptom', {
      patientId: 'rb0',
      symptomId: 'neck_pain',
      severity: 5,
      loggedAt: new Date(Date.UTC(2026, 6, 1)).toISOString(),
    });
    const res = await app.app.inject({
      method: 'GET',
      url: '/exports/tracker',
      headers: { ...reader, 'x-min-position': accepted.position },
    });
    expect(res.statusCode).toBe(200);
    const rb0 = (
      res.json() as { items: { user_id?: string; userId?: string; triage_level?: string; triageLevel?: string }[] }
    ).items.find((r) => (r.user_id ?? r.userId) === 'rb0');
    expect(rb0?.triage_level ?? rb0?.triageLevel).toBe('red_flag');
    const forward = await app.app.inject({
      method: 'POST',
      url: '/admin/projections/tracker_export/rollback',
      headers: admin,
    });
    expect(forward.statusCode).toBe(200);
    expect((await status(app, 'tracker_export')).stale).toBe(false);
    expect(await tableComment(app)).toBeNull();
    const none = await app.app.inject({ method: 'POST', url: '/admin/projections/doctors/rollback', headers: admin });
    expect(none.statusCode).toBe(409);
  }, 60_000);

  it('verification catches a corrupted shadow row and refuses the swap', async () => {
    const before = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM patients t ORDER BY 1`.execute(
      app.infrastructure.database.db,
    );
    const projectionAdmin = new ProjectionAdmin({
      opener: keyStoreOpener(app.infrastructure.keyStore),
      db: app.infrastructure.database.db,
      store: app.infrastructure.eventStore,
      projections: allProjections,
      context: {
        triageMap: { windowHours: 24, symptoms: {} },
        stages: { stages: [], minHoursPerStage: 24, symptomFreeMaxSeverity: 1, regressAtSeverity: 3 } as never,
      },
      fingerprintOf: (name) => app.runner.fingerprint(name),
      owner: 'corrupting-test',
      logger: pino({ level: 'silent' }),
    });
    await projectionAdmin.startRebuild('patients', {
      afterBuild: async (shadow) => {
        await sql`UPDATE ${sql.id(shadow, 'patients')} SET first_name = 'Corrupted' WHERE patient_id = 'rb1'`.execute(
          app.infrastructure.database.db,
        );
      },
    });
    await projectionAdmin.settled('patients');
    const progress = await projectionAdmin.progress('patients');
    expect(progress).toMatchObject({ state: 'failed', error: expect.stringMatching(/verification failed/) });
    expect(progress!.differences).toEqual([
      {
        table: 'patients',
        onlyLeft: 1,
        onlyRight: 1,
        examplesLeft: [{ key: { patient_id: 'rb1' }, columns: ['first_name'] }],
        examplesRight: [{ key: { patient_id: 'rb1' }, columns: ['first_name'] }],
      },
    ]);
    expect(JSON.stringify(progress!.differences)).not.toMatch(/Corrupted/);
    const after = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM patients t ORDER BY 1`.execute(
      app.infrastructure.database.db,
    );
    expect(after.rows).toEqual(before.rows); // the live table is untouched
  }, 60_000);

  it('a rebuild killed midway leaves the live tables untouched, and a new rebuild succeeds', async () => {
    const db = app.infrastructure.database.db;
    const before = await sql<{
      row: string;
    }>`SELECT to_jsonb(t)::text AS row FROM symptom_log_export t ORDER BY 1`.execute(db);
    const make = (owner: string) =>
      new ProjectionAdmin({
        opener: keyStoreOpener(app.infrastructure.keyStore),
        db,
        store: app.infrastructure.eventStore,
        projections: allProjections,
        context: {
          triageMap: { windowHours: 24, symptoms: {} },
          stages: { stages: [], minHoursPerStage: 24, symptomFreeMaxSeverity: 1, regressAtSeverity: 3 } as never,
        },
        fingerprintOf: (name) => app.runner.fingerprint(name),
        owner,
        logger: pino({ level: 'silent' }),
        batchSize: 10,
        heartbeatTimeoutMs: 1000,
      });
    const doomed = make('doomed');
    let reached: () => void = () => undefined;
    const midway = new Promise<void>((resolve) => (reached = resolve));
    // The "process" stops dead after a few batches: no cleanup, no more heartbeats.
    await doomed.startRebuild('symptom_log_export', {
      afterBatch: async (processed) => (processed >= 20 ? (reached(), new Promise<void>(() => undefined)) : undefined),
    });
    await midway;
    const after = await sql<{
      row: string;
    }>`SELECT to_jsonb(t)::text AS row FROM symptom_log_export t ORDER BY 1`.execute(db);
    expect(after.rows).toEqual(before.rows);
    const survivor = make('survivor');
    await expect(survivor.startRebuild('symptom_log_export')).rejects.toThrow(/already running/);
    await sleep(1500); // the dead rebuild's heartbeat goes stale
    await survivor.startRebuild('symptom_log_export');
    await survivor.settled('symptom_log_export');
    expect(await survivor.progress('symptom_log_export')).toMatchObject({ state: 'swapped' });
    const rebuilt = await sql<{
      row: string;
    }>`SELECT to_jsonb(t)::text AS row FROM symptom_log_export t ORDER BY 1`.execute(db);
    expect(rebuilt.rows.length).toBeGreaterThanOrEqual(before.rows.length);
  }, 60_000);
});
