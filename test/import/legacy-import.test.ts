/**
 * `caretrack import legacy` and `caretrack import reconcile` on the legacy fixture (a few
 * hundred rows with the awkward cases, built from the seeds' DDL with seed 001's triggers), into
 * a fresh database on the PostgreSQL server, through the CLI as a user runs it (in process).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { importedEventId } from '../../apps/cli/import/event-ids.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import type { EventStore, StoredEvent } from '../../libs/event-store/index.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { decryptEvents, ENCRYPTED_FIELD, personalFieldsOf, type KeyStore } from '../../libs/personal-data/index.js';
import { createLegacyDatabase, insertLegacyRows, type LegacyDatabase } from '../fixtures/legacy/legacy-database.js';
import { expectedRejections, fixtureRows, orphanPrediction } from '../fixtures/legacy/fixture.js';
import { allEvents, cli, createTargetDatabase, openKeys, project, tableRows } from './support.js';

type Tally = { table: string; rows: number; imported: number; alreadyThere: number; rejected: number };
type Report = {
  tables: Tally[];
  rejected: { table: string; key: Record<string, string>; reason: string; code: string }[];
  events: number;
  dryRun: boolean;
};
type Reconcile = {
  differences: {
    table: string;
    patientId: string;
    column: string;
    legacy: unknown;
    projection: unknown;
    category: string;
    note?: string;
  }[];
  byCategory: { category: string; explained: boolean; count: number }[];
  unexplained: number;
  notImportedYet: number;
};

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString());
const pick = (row: Record<string, unknown>, columns: readonly string[]) =>
  Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
const rejectedKeys = (table: string) =>
  new Set(expectedRejections.filter((r) => r.table === table).map((r) => Object.values(r.key).join('/')));

/** A legacy database holding the fixture, and the SQLite-era orphan prediction. */
async function fixtureDatabase(schema?: string): Promise<LegacyDatabase> {
  const legacy = await createLegacyDatabase(schema ? { schema } : {});
  await insertLegacyRows(legacy, fixtureRows());
  await legacy.query('SET session_replication_role = replica');
  await insertLegacyRows(legacy, { predictions: [orphanPrediction] });
  await legacy.query('SET session_replication_role = DEFAULT');
  return legacy;
}

describe('caretrack import legacy, then reconcile [PostgreSQL server]', () => {
  const fixture = fixtureRows();
  let legacy: LegacyDatabase;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;
  let store: EventStore;
  let keys: KeyStore;
  let first: { code: number; out: string; err: string };
  let report: Report;
  let eventsAfterFirst: StoredEvent[];
  const env = () => ({ DATABASE_URL: target.url });

  beforeAll(async () => {
    legacy = await fixtureDatabase();
    target = await createTargetDatabase();
    first = await cli(['import', 'legacy', '--from', legacy.url, '--json'], env());
    report = JSON.parse(first.out) as Report;
    connection = await openDatabase({ kind: 'server', url: target.url });
    db = connection.db;
    store = await createPostgresEventStore({ connection });
    keys = await openKeys(db);
    eventsAfterFirst = await allEvents(store);
    await project(db, store, keys);
  }, 180_000);

  afterAll(async () => {
    await keys?.close();
    await connection?.close();
    await target?.drop();
    await legacy?.drop();
  });

  it('imports every row through the deciders; a row that breaks a rule is reported with table, key and reason, not imported', () => {
    expect(first.err).toMatch(/ rows\/s {2}ETA 0s {2}done\n$/); // progress only
    expect(first.err).not.toMatch(/caretrack:|error/i);
    expect(first.code).toBe(1); // finished, with rejected rows
    expect(report.rejected.map(({ table, key, code }) => ({ table, key, code }))).toEqual(
      expect.arrayContaining([...expectedRejections]),
    );
    expect(report.rejected).toHaveLength(expectedRejections.length);
    const reason = (table: string, key: string) =>
      report.rejected.find((r) => r.table === table && Object.values(r.key).join('/') === key)?.reason;
    expect(reason('symptom_log_export', 'l9001')).toMatch(/^symptom_id: unknown symptom "tingling_toes"/);
    expect(reason('predictions', 'pr-orphan')).toBe('scan s-missing not found');
    expect(reason('report_status', 'r15')).toMatch(/failed 3 times: no retry left/);
    expect(reason('doctors', 'd07')).toMatch(/^email: /);
    for (const t of report.tables) {
      const rows = (fixture[t.table] ?? []).length + (t.table === 'predictions' ? 1 : 0);
      expect(t).toEqual({
        table: t.table,
        rows,
        imported: rows - rejectedKeys(t.table).size,
        alreadyThere: 0,
        rejected: rejectedKeys(t.table).size,
      });
    }
    expect(eventsAfterFirst).toHaveLength(report.events);
  });

  it('events carry the import actor, the row they came from and its business times', () => {
    const events = eventsAfterFirst.filter((e) => e.streamId === 'consultation-c011'); // no-show, recorded as scheduled first
    const legacyRow = fixture['consultations']!.find((c) => c['id'] === 'c011')!;
    expect(legacyRow['status']).toBe('no-show');
    expect(events.map((e) => [e.id, e.type, e.data['status']])).toEqual([
      [importedEventId('consultations', ['c011'], 0), 'ConsultationRecorded', 'scheduled'],
      [importedEventId('consultations', ['c011'], 1), 'ConsultationStatusChanged', 'no_show'],
    ]);
    expect(events[0]!.metadata).toMatchObject({
      actor: { id: 'import', role: 'import' },
      imported: { table: 'consultations', key: { id: 'c011' } },
      commandName: 'RecordConsultation',
      occurredAt: legacyRow['consultation_date'],
      schemaVersion: 1,
    });
    expect(events[1]!.metadata).toMatchObject({
      commandName: 'ChangeConsultationStatus',
      occurredAt: legacyRow['updated_at'],
    });
    expect(events[0]!.metadata['correlationId']).toEqual(events[1]!.metadata['correlationId']);
    const patient = eventsAfterFirst.find((e) => e.streamId === 'patient-p04')!;
    expect(patient.metadata).toMatchObject({
      occurredAt: fixture['patients']![3]!['registered_at'],
      imported: { table: 'patients', key: { patient_id: 'p04' } },
    });
  });

  it('personal fields are stored encrypted, as the command path stores them: no fixture name in the log; decrypted, the decided values', async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM caretrack_events.events
      WHERE data::text ~ '(Ath|Lete)[0-9]' OR data::text LIKE '%second opinion%' OR data::text LIKE '%team doctor%' OR data::text LIKE '%concussion, grade 1%'`.execute(
      db,
    );
    expect(rows[0]!.n).toBe(0);
    const personal = eventsAfterFirst.filter((e) =>
      (personalFieldsOf(e.type)?.fields ?? []).some((f) => f in e.data || ENCRYPTED_FIELD in e.data),
    );
    expect(personal.length).toBeGreaterThan(100);
    for (const e of personal) {
      expect(Object.keys(e.data).filter((f) => personalFieldsOf(e.type)!.fields.includes(f))).toEqual([]);
      expect(e.data[ENCRYPTED_FIELD]).toMatch(/^v1\./);
    }
    const opened = await decryptEvents(eventsAfterFirst, keys);
    const registered = opened
      .filter((e) => e.type === 'PatientRegistered')
      .map((e) => pick(e.data, ['patientId', 'firstName', 'lastName', 'dateOfBirth']));
    expect(registered).toEqual(
      fixture['patients']!.filter((p) => p['patient_id'] !== 'p30').map((p) => ({
        patientId: p['patient_id'],
        firstName: p['first_name'],
        lastName: p['last_name'],
        dateOfBirth: p['date_of_birth'],
      })),
    );
    const c001 = opened.find((e) => e.streamId === 'consultation-c001')!;
    expect(pick(c001.data, ['chiefComplaint', 'diagnosis', 'patientId'])).toEqual({
      chiefComplaint: 'headache',
      diagnosis: 'concussion, grade 1',
      patientId: 'p01',
    });
    // everything else is as stored: ids, types, metadata, clear fields
    expect(opened.map((e) => [e.id, e.type, e.metadata])).toEqual(
      eventsAfterFirst.map((e) => [e.id, e.type, e.metadata]),
    );
  });

  it('the projections then equal the expected rows', async () => {
    const patientColumns = [
      'patient_id',
      'first_name',
      'last_name',
      'date_of_birth',
      'age_group',
      'sport_type',
      'team_id',
      'position',
      'jersey_number',
    ];
    const patients = await tableRows(db, 'patients', 'patient_id');
    expect(
      patients.map((r) => ({
        ...pick(r, patientColumns),
        registered_at: iso(r['registered_at']),
        updated_at: iso(r['updated_at']),
      })),
    ).toEqual(
      fixture['patients']!.filter((p) => p['patient_id'] !== 'p30').map((p) => ({
        ...pick(p, patientColumns),
        registered_at: p['registered_at'],
        updated_at: p['registered_at'],
      })),
    );

    const doctors = await tableRows(db, 'doctors', 'doctor_id');
    expect(doctors.map((r) => r['doctor_id'])).toEqual(['d01', 'd02', 'd03', 'd04', 'd05', 'd06']);

    const consultations = await tableRows(db, 'consultations', 'id');
    const normalStatus: Record<string, string> = { 'no-show': 'no_show' };
    expect(
      consultations.map((r) => ({
        ...pick(r, ['id', 'patient_id', 'doctor_id', 'consultation_type', 'status', 'fee']),
        consultation_date: iso(r['consultation_date']),
      })),
    ).toEqual(
      fixture['consultations']!.filter((c) => !rejectedKeys('consultations').has(String(c['id']))).map((c) => ({
        id: c['id'],
        patient_id: c['patient_id'],
        doctor_id: c['doctor_id'],
        consultation_type: String(c['consultation_type']).replace('-', '_'),
        status: normalStatus[String(c['status'])] ?? c['status'],
        fee: c['fee'],
        consultation_date: c['consultation_date'],
      })),
    );

    const reports = new Map((await tableRows(db, 'report_status', 'report_id')).map((r) => [r['report_id'], r]));
    const report = (id: string) => {
      const r = reports.get(id)!;
      return {
        status: r['status'],
        retry_count: r['retry_count'],
        requested_by: r['requested_by'],
        started_at: iso(r['started_at']),
        completed_at: iso(r['completed_at']),
        failed_at: iso(r['failed_at']),
        error_message: r['error_message'],
      };
    };
    const day = (n: number, h: number, m: number) => new Date(Date.UTC(2025, 2, 1 + 10 + n, h, m)).toISOString();
    expect(report('r01')).toEqual({
      status: 'generated',
      retry_count: 0,
      requested_by: 'import',
      started_at: day(1, 9, 5),
      completed_at: day(1, 9, 10),
      failed_at: null,
      error_message: null,
    });
    expect(report('r13')).toEqual({
      status: 'generated',
      retry_count: 1,
      requested_by: 'import',
      started_at: day(13, 9, 5),
      completed_at: day(13, 9, 10),
      failed_at: day(13, 9, 3),
      error_message: 'renderer timed out',
    });
    expect(report('r14')).toMatchObject({ status: 'generated', retry_count: 2 });
    expect(report('r18')).toEqual({
      status: 'failed',
      retry_count: 3,
      requested_by: 'import',
      started_at: day(18, 9, 5),
      completed_at: null,
      failed_at: day(18, 9, 3),
      error_message: 'renderer timed out',
    });
    expect(report('r19')).toMatchObject({
      status: 'failed',
      retry_count: 1,
      error_message: 'generation failed (the legacy row gives no message)',
    });
    expect(report('r20')).toMatchObject({ status: 'pending', retry_count: 0, started_at: null });
    expect(report('r21')).toMatchObject({
      status: 'failed',
      retry_count: 1,
      started_at: day(21, 9, 0),
      failed_at: day(21, 9, 3),
    });
    expect(report('r23')).toMatchObject({ status: 'generating', retry_count: 1, started_at: day(23, 9, 5) });
    expect(report('r25')).toMatchObject({ status: 'generated', completed_at: day(25, 9, 5) });
    expect(reports.has('r15') || reports.has('r24')).toBe(false);
    expect(reports.size).toBe(23);

    const sessions = new Map((await tableRows(db, 'sessions', 'id')).map((r) => [r['id'], r]));
    expect(sessions.size).toBe(34);
    expect(pick(sessions.get('ss031')!, ['status', 'end_time'])).toEqual({ status: 'pending', end_time: null });
    expect(sessions.get('ss032')!['status']).toBe('pending'); // processing: started, not finished
    expect(sessions.get('ss010')!['status']).toBe('failed');
    expect(pick(sessions.get('ss034')!, ['status', 'session_type', 'duration_seconds'])).toEqual({
      status: 'completed',
      session_type: 'match',
      duration_seconds: 5400,
    });
    expect(iso(sessions.get('ss034')!['end_time'])).toBe(new Date(Date.UTC(2025, 2, 7, 8, 30)).toISOString());
    const kpis = new Map((await tableRows(db, 'session_kpis', 'session_id')).map((r) => [r['session_id'], r]));
    expect(pick(kpis.get('ss001')!, ['touches', 'pass_accuracy', 'speed_zones'])).toEqual({
      touches: 41,
      pass_accuracy: 87.5,
      speed_zones: { walk: 900, run: 600, sprint: 60 },
    });
    expect(pick(kpis.get('ss006')!, ['touches', 'max_speed_kmh'])).toEqual({ touches: null, max_speed_kmh: null }); // completed without a KPI row
    expect(kpis.has('ss033')).toBe(false);

    const logs = await tableRows(db, 'symptom_log_export', 'log_id');
    const legacyLogs = fixture['symptom_log_export']!.filter(
      (l) => !rejectedKeys('symptom_log_export').has(String(l['log_id'])),
    );
    expect(
      logs.map((l) => ({
        ...pick(l, ['log_id', 'user_id', 'symptom_id', 'severity', 'reporter_type']),
        timestamp: iso(l['timestamp']),
      })),
    ).toEqual(
      legacyLogs.map((l) => ({
        ...pick(l, ['log_id', 'user_id', 'symptom_id', 'severity']),
        reporter_type: l['reporter_type'] === null ? 'self' : String(l['reporter_type']).toLowerCase(),
        timestamp: l['timestamp'],
      })),
    );

    const assignments = new Map(
      (await tableRows(db, 'doctor_patient_assignments', 'patient_id, doctor_id')).map((r) => [
        `${r['doctor_id']}/${r['patient_id']}`,
        r,
      ]),
    );
    expect(pick(assignments.get('d05/p02')!, ['assignment_type', 'is_active', 'source'])).toEqual({
      assignment_type: 'specialist',
      is_active: false,
      source: 'assignment',
    });
    expect(iso(assignments.get('d04/p05')!['ended_at'])).toBe(iso(assignments.get('d04/p05')!['assigned_at'])); // inactive without an end date
    expect(pick(assignments.get('d04/p06')!, ['assignment_type', 'is_active', 'source'])).toEqual({
      assignment_type: 'consultant',
      is_active: true,
      source: 'consultation',
    });
    expect(assignments.has('d07/p26')).toBe(false);

    const statistics = new Map(
      (await tableRows(db, 'patient_statistics', 'patient_id')).map((r) => [r['patient_id'], r]),
    );
    expect(statistics.size).toBe(29);
    const counters = [
      'total_consultations',
      'total_scans',
      'total_predictions',
      'total_reports',
      'unique_doctors',
      'parkinsons_status',
      'parkinsons_stage',
      'total_symptom_logs',
      'total_sessions',
    ];
    // p04: completed c008, cancelled c009; scan s04 with pr4a (negative) then pr4b (positive, stage 3); report r03 generated
    expect(pick(statistics.get('p04')!, counters)).toEqual({
      total_consultations: 1,
      total_scans: 1,
      total_predictions: 2,
      total_reports: 1,
      unique_doctors: 1,
      parkinsons_status: 'positive',
      parkinsons_stage: 3,
      total_symptom_logs: 9,
      total_sessions: 2,
    });
    // p05: its positive-without-stage prediction pr99 was rejected; no-show c011; sessions: one completed, one failed
    expect(pick(statistics.get('p05')!, counters)).toMatchObject({
      total_consultations: 1,
      total_predictions: 1,
      parkinsons_status: 'negative',
      total_sessions: 1,
      unique_doctors: 2,
    });
    // p26: nothing but an assignment to the rejected doctor d07: a row of zeros
    expect(pick(statistics.get('p26')!, counters)).toMatchObject({
      total_consultations: 0,
      unique_doctors: 0,
      total_scans: 0,
      total_symptom_logs: 0,
    });

    const timeline = await tableRows(db, 'patient_timeline', 'event_id');
    expect(timeline.filter((e) => e['event_type'] === 'prediction_made').map((e) => e['source_id'])).not.toContain(
      'pr99',
    );
    expect(timeline.filter((e) => e['event_type'] === 'report_failed' && e['source_id'] === 'r18')).toHaveLength(3);
  });

  it('run again: the second run appends nothing', async () => {
    const again = await cli(['import', 'legacy', '--from', legacy.url, '--json'], env());
    const second = JSON.parse(again.out) as Report;
    expect(second.events).toBe(0);
    for (const t of second.tables)
      expect(t).toMatchObject({ imported: 0, alreadyThere: t.rows - t.rejected, rejected: rejectedKeys(t.table).size });
    expect((await allEvents(store)).map((e) => e.id)).toEqual(eventsAfterFirst.map((e) => e.id));
  });

  it('a --dry-run writes nothing: not to a fresh database, not to an imported one', async () => {
    const fresh = await createTargetDatabase();
    try {
      const dry = await cli(['import', 'legacy', '--from', legacy.url, '--dry-run', '--json'], {
        DATABASE_URL: fresh.url,
      });
      expect(dry.code).toBe(1);
      const planned = JSON.parse(dry.out) as Report;
      expect(planned).toMatchObject({ dryRun: true, events: report.events, tables: report.tables });
      const freshDb = await openDatabase({ kind: 'server', url: fresh.url });
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE s.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`.execute(freshDb.db);
      await freshDb.close();
      expect(rows[0]!.n).toBe(0);
    } finally {
      await fresh.drop();
    }
    const dryAgain = await cli(['import', 'legacy', '--from', legacy.url, '--dry-run', '--json'], env());
    expect((JSON.parse(dryAgain.out) as Report).events).toBe(0);
    expect(await allEvents(store)).toHaveLength(eventsAfterFirst.length);
  });

  it('reconcile the fixture: every difference is explained, exit 0', async () => {
    const run = await cli(['import', 'reconcile', '--from', legacy.url, '--json'], env());
    expect(run.err).toBe('');
    const result = JSON.parse(run.out) as Reconcile;
    expect(
      result.differences.filter((d) => !result.byCategory.find((c) => c.category === d.category)!.explained),
    ).toEqual([]);
    expect(run.code).toBe(0);
    expect(result.notImportedYet).toBe(0);
    const categories = result.byCategory.map((c) => c.category);
    expect(categories).toEqual(
      expect.arrayContaining([
        'counts_every_status',
        'rejected_on_import',
        'not_kept_by_triggers',
        'no_legacy_row',
        'kinds_not_kept_by_triggers',
        'timeline_wording',
        'consultation_sourced',
        'end_date_unknown',
      ]),
    );
    // the example of the issue: the legacy trigger counted the cancelled c009, the projection does not
    expect(result.differences).toContainEqual(
      expect.objectContaining({
        table: 'patient_statistics',
        patientId: 'p04',
        column: 'total_consultations',
        legacy: 2,
        projection: 1,
        category: 'counts_every_status',
      }),
    );
    expect(result.differences).toContainEqual(
      expect.objectContaining({
        table: 'patient_timeline',
        patientId: 'p05',
        column: 'prediction_made prediction:pr99',
        category: 'rejected_on_import',
      }),
    );
    expect(result.differences).toContainEqual(
      expect.objectContaining({
        table: 'patient_statistics',
        patientId: 'p30',
        column: '(row)',
        category: 'rejected_on_import',
      }),
    );
    const text = await cli(['import', 'reconcile', '--from', legacy.url], env());
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /^explained · counts_every_status \(\d+\): the legacy trigger counts every new consultation whatever its status/m,
    );
    expect(text.out).toMatch(/\n\s+patient_statistics p04 total_consultations: legacy 2, projection 1\n/);
    expect(text.out).toMatch(/, 0 unexplained\n$/);
  });

  it('alter one legacy statistic by hand: reconcile reports it, exit 1', async () => {
    await legacy.query(
      `UPDATE patient_statistics SET total_consultations = total_consultations + 5 WHERE patient_id = 'p07'`,
    );
    try {
      const run = await cli(['import', 'reconcile', '--from', legacy.url, '--json'], env());
      expect(run.code).toBe(1);
      const result = JSON.parse(run.out) as Reconcile;
      expect(result.unexplained).toBe(1);
      expect(result.differences).toContainEqual({
        table: 'patient_statistics',
        patientId: 'p07',
        column: 'total_consultations',
        legacy: 8,
        projection: 2,
        category: 'legacy_differs_from_its_rows',
        note: 'the legacy rows give 3',
      });
      const text = await cli(['import', 'reconcile', '--from', legacy.url], env());
      expect(text.out).toMatch(/^UNEXPLAINED · legacy_differs_from_its_rows \(1\): /m);
      expect(text.out).toMatch(/, 1 unexplained\n$/);
    } finally {
      await legacy.query(
        `UPDATE patient_statistics SET total_consultations = total_consultations - 5 WHERE patient_id = 'p07'`,
      );
    }
  });

  it('--schema and --map read a legacy database whose names differ from the seeds: the same events', async () => {
    const renamed = await fixtureDatabase('clinic');
    const dir = await mkdtemp(join(tmpdir(), 'caretrack-map-'));
    const renamedTarget = await createTargetDatabase();
    try {
      await renamed.query('ALTER TABLE patients RENAME TO athletes');
      await renamed.query('ALTER TABLE athletes RENAME COLUMN first_name TO given_name');
      await renamed.query('ALTER TABLE athletes DROP COLUMN age_group');
      await renamed.query('ALTER TABLE symptom_log_export RENAME COLUMN "timestamp" TO logged_at');
      const mapFile = join(dir, 'map.yaml');
      await writeFile(
        mapFile,
        'tables:\n  patients:\n    table: athletes\n    columns: { first_name: given_name, age_group: null }\n  symptom_log_export:\n    columns:\n      timestamp: logged_at\n',
      );
      const run = await cli(
        ['import', 'legacy', '--from', renamed.url, '--schema', 'clinic', '--map', mapFile, '--json'],
        { DATABASE_URL: renamedTarget.url },
      );
      expect(run.err).not.toMatch(/caretrack:|error/i);
      expect((JSON.parse(run.out) as Report).tables).toEqual(report.tables);
      const renamedConnection = await openDatabase({ kind: 'server', url: renamedTarget.url });
      const renamedKeys = await openKeys(renamedConnection.db);
      // each target has data keys of its own: compare the decrypted events
      const events = await decryptEvents(
        await allEvents(await createPostgresEventStore({ connection: renamedConnection })),
        renamedKeys,
      );
      await renamedKeys.close();
      await renamedConnection.close();
      const withoutAgeGroup = (e: StoredEvent) => {
        const { ageGroup: _dropped, ...data } = e.data;
        return {
          id: e.id,
          stream: e.streamId,
          type: e.type,
          data: e.type === 'PatientRegistered' ? data : e.data,
          occurredAt: e.metadata['occurredAt'],
        };
      };
      expect(events.map(withoutAgeGroup)).toEqual((await decryptEvents(eventsAfterFirst, keys)).map(withoutAgeGroup));

      // a map that does not fit: the problem is named, nothing runs
      const wrong = join(dir, 'wrong.yaml');
      await writeFile(wrong, 'tables:\n  patients:\n    columns: { nickname: nick }\n  athletes: {}\n');
      const bad = await cli(['import', 'legacy', '--from', renamed.url, '--schema', 'clinic', '--map', wrong], {
        DATABASE_URL: renamedTarget.url,
      });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/tables\.patients\.columns\.nickname: not a column of the seed table patients/);
      expect(bad.err).toMatch(/tables\.athletes/);
      const unmapped = await cli(['import', 'legacy', '--from', renamed.url, '--schema', 'clinic', '--dry-run'], {
        DATABASE_URL: renamedTarget.url,
      });
      expect(unmapped.code).toBe(2);
      expect(unmapped.err).toMatch(/table clinic\.patients \(seed table patients\) does not exist/);
    } finally {
      await renamedTarget.drop();
      await renamed.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without the master key the import refuses to start, naming the settings; nothing is written', async () => {
    const fresh = await createTargetDatabase();
    try {
      const run = await cli(['import', 'legacy', '--from', legacy.url], {
        DATABASE_URL: fresh.url,
        DATA_KEY: '',
        DATA_DIR: join(tmpdir(), 'caretrack-no-such-dir'),
      });
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/DATA_KEY: not set, and neither DATA_KEY_FILE nor .*data-key exists/);
      expect(run.err).toMatch(/personal fields encrypted with the service's master key/);
      const freshDb = await openDatabase({ kind: 'server', url: fresh.url });
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE s.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`.execute(freshDb.db);
      await freshDb.close();
      expect(rows[0]!.n).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it('a patient erased since: their new rows with personal data are rejected as patient_erased, their facts still come in', async () => {
    // ErasePatient's two steps: the data key destroyed, then PatientErased appended
    await keys.destroy('p07');
    await store.appendToStream('patient-p07', [
      { type: 'PatientErased', data: { patientId: 'p07', reason: 'request 42' } },
    ]);
    const consultation = {
      ...fixture['consultations']!.find((c) => c['patient_id'] === 'p07')!,
      id: 'c900',
      notes: 'Ath7 fell again',
    };
    const log = {
      log_id: 'l9900',
      user_id: 'p07',
      symptom_id: 'headache',
      severity: 2,
      timestamp: new Date(Date.UTC(2025, 3, 20, 8)).toISOString(),
      reporter_type: 'self',
      incident_context: null,
    };
    await insertLegacyRows(legacy, { consultations: [consultation], symptom_log_export: [log] });
    const run = await cli(['import', 'legacy', '--from', legacy.url, '--json'], env());
    expect(run.code).toBe(1);
    const again = JSON.parse(run.out) as Report;
    expect(again.rejected).toContainEqual({
      table: 'consultations',
      key: { id: 'c900' },
      reason: 'patient p07 was erased: personal data for them is no longer accepted',
      code: 'patient_erased',
    });
    expect(again.events).toBe(1); // the symptom log
    const appended = (await allEvents(store)).slice(-1);
    expect(appended.map((e) => [e.streamId, e.type, e.data['logId'] ?? null])).toEqual([
      ['tracker-p07', 'SymptomLogged', 'l9900'],
    ]);
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM caretrack_events.events WHERE data::text LIKE '%fell again%'`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });

  it('usage: --from is required, unknown options are refused', async () => {
    expect((await cli(['import', 'legacy'], env())).code).toBe(2);
    const unknown = await cli(['import', 'legacy', '--from', legacy.url, '--fast'], env());
    expect(unknown).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --fast/) });
  });
});
