/**
 * The four triggers of seeds/001 ("Automatic Triggers"), written as real PL/pgSQL on plain
 * seed-style tables in a scratch schema of the same PGlite, against the projections that
 * replace them: the same facts, inserted as rows (the trigger fires) and applied as events
 * (the projection folds), must give the same counters, dates and timeline entries.
 *
 * The triggers are the faithful, intended versions: last_visit_date / last_report_date take
 * the latest date (GREATEST), not merely the last row inserted, and the prediction severity
 * follows SPEC §4. Only completed consultations are inserted: the seed trigger counts every
 * new consultation, while SPEC §4 counts those whose current status is completed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../libs/event-store/index.js';
import { EventLog } from '../../libs/projection-engine/testing/event-log.js';
import { projectionHarness } from '../../libs/projection-engine/testing/projection-harness.js';
import { patientStatisticsProjection } from '../../projections/patient-statistics/patient-statistics.projection.js';
import { patientTimelineProjection } from '../../projections/patient-timeline/patient-timeline.projection.js';

const harness = projectionHarness();
afterAll(() => harness.close());

type Query = <R>(text: string) => Promise<R[]>;
let scratchCount = 0;

/** The seed's tables (the columns the triggers touch) in a fresh scratch schema. */
async function seedSchema(query: Query): Promise<string> {
  const s = `seed_triggers_${++scratchCount}`;
  const ddl = [
    `CREATE SCHEMA ${s}`,
    `CREATE TABLE ${s}.patients (patient_id text PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL)`,
    `CREATE TABLE ${s}.patient_statistics (
      patient_id text PRIMARY KEY REFERENCES ${s}.patients (patient_id),
      total_consultations integer NOT NULL DEFAULT 0, total_reports integer NOT NULL DEFAULT 0,
      last_visit_date timestamptz, last_report_date timestamptz, updated_at timestamptz DEFAULT now())`,
    `CREATE TABLE ${s}.consultations (
      id text PRIMARY KEY, patient_id text NOT NULL REFERENCES ${s}.patients (patient_id), doctor_id text NOT NULL,
      consultation_type text NOT NULL, consultation_date timestamptz NOT NULL, status text NOT NULL DEFAULT 'completed')`,
    `CREATE TABLE ${s}.report_status (
      report_id text PRIMARY KEY, patient_id text NOT NULL REFERENCES ${s}.patients (patient_id), report_type text NOT NULL,
      status text NOT NULL DEFAULT 'pending', priority integer NOT NULL DEFAULT 3, requested_at timestamptz, started_at timestamptz,
      completed_at timestamptz, failed_at timestamptz, error_message text, retry_count integer NOT NULL DEFAULT 0, report_uri text)`,
    `CREATE TABLE ${s}.mri_scans (
      id text PRIMARY KEY, patient_id text NOT NULL REFERENCES ${s}.patients (patient_id), doctor_id text,
      modality text NOT NULL DEFAULT 'MRI', file_path text NOT NULL, upload_date timestamptz NOT NULL)`,
    `CREATE TABLE ${s}.predictions (
      id text PRIMARY KEY, scan_id text NOT NULL REFERENCES ${s}.mri_scans (id), result text NOT NULL, stage integer,
      confidence numeric, model_version text, created_at timestamptz NOT NULL)`,
    `CREATE TABLE ${s}.patient_timeline (
      id serial PRIMARY KEY, patient_id text NOT NULL, event_date timestamptz NOT NULL, event_type text NOT NULL,
      title text, description text, severity text NOT NULL, source_type text, source_id text, doctor_id text)`,
  ];
  for (const statement of ddl) await query(statement);
  return s;
}

/** Creates a PL/pgSQL trigger function and its trigger; the function resolves names in `schema`. */
async function createTrigger(query: Query, schema: string, name: string, timing: string, body: string): Promise<void> {
  await query(`CREATE FUNCTION ${schema}.${name}() RETURNS trigger LANGUAGE plpgsql SET search_path = ${schema} AS $fn$
    BEGIN
      ${body}
      RETURN NEW;
    END $fn$`);
  await query(`CREATE TRIGGER ${name} ${timing} FOR EACH ROW EXECUTE FUNCTION ${schema}.${name}()`);
}

const at = (column: string) => `to_jsonb(${column}) #>> '{}'`;

function registrations(log: EventLog, ids: readonly string[]): StoredEvent[] {
  return ids.map((id) =>
    log.event(
      'PatientRegistered',
      { patientId: id, firstName: 'First', lastName: id },
      { streamId: `patient-${id}`, occurredAt: '2026-01-01T08:00:00Z' },
    ),
  );
}

async function insertPatients(query: Query, s: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) await query(`INSERT INTO ${s}.patients VALUES ('${id}', 'First', '${id}')`);
}

describe('the seed 001 triggers, replaced by projections', () => {
  it('update_stats_on_consultation: a new consultation updates total_consultations and last_visit_date', async () => {
    const t = await harness.fresh(patientStatisticsProjection);
    const s = await seedSchema(t.query);
    await createTrigger(
      t.query,
      s,
      'update_stats_on_consultation',
      `AFTER INSERT ON ${s}.consultations`,
      `
      INSERT INTO patient_statistics AS ps (patient_id, total_consultations, last_visit_date, updated_at)
      VALUES (NEW.patient_id, 1, NEW.consultation_date, now())
      ON CONFLICT (patient_id) DO UPDATE SET
        total_consultations = ps.total_consultations + 1,
        last_visit_date = GREATEST(ps.last_visit_date, NEW.consultation_date),
        updated_at = now();`,
    );

    const visits = [
      { id: 'c1', patient: 'p1', doctor: 'd1', type: 'in_person', date: '2026-01-05' },
      { id: 'c2', patient: 'p1', doctor: 'd2', type: 'emergency', date: '2026-01-03T14:00:00+02:00' }, // an earlier visit, recorded later
      { id: 'c3', patient: 'p2', doctor: 'd1', type: 'telemedicine', date: '2026-02-01T09:30:00Z' },
    ] as const;
    await insertPatients(t.query, s, ['p1', 'p2']);
    for (const v of visits)
      await t.query(
        `INSERT INTO ${s}.consultations VALUES ('${v.id}', '${v.patient}', '${v.doctor}', '${v.type}', '${v.date}', 'completed')`,
      );

    const log = new EventLog();
    await t.apply([
      ...registrations(log, ['p1', 'p2']),
      ...visits.map((v) =>
        log.event(
          'ConsultationRecorded',
          {
            consultationId: v.id,
            patientId: v.patient,
            doctorId: v.doctor,
            consultationType: v.type,
            consultationDate: v.date,
            status: 'completed',
          },
          { streamId: `consultation-${v.id}`, occurredAt: v.date.length === 10 ? `${v.date}T00:00:00Z` : v.date },
        ),
      ),
    ]);

    const stats = (schema: string) =>
      t.query(
        `SELECT patient_id, total_consultations, ${at('last_visit_date')} AS last_visit_date FROM ${schema}.patient_statistics ORDER BY patient_id`,
      );
    const fromTrigger = await stats(s);
    expect(fromTrigger).toEqual([
      { patient_id: 'p1', total_consultations: 2, last_visit_date: '2026-01-05T00:00:00+00:00' },
      { patient_id: 'p2', total_consultations: 1, last_visit_date: '2026-02-01T09:30:00+00:00' },
    ]);
    expect(await stats(t.schema)).toEqual(fromTrigger);
  });

  it('update_stats_on_report: a generated report updates total_reports and last_report_date', async () => {
    const t = await harness.fresh(patientStatisticsProjection);
    const s = await seedSchema(t.query);
    await createTrigger(
      t.query,
      s,
      'update_stats_on_report',
      `AFTER INSERT OR UPDATE OF status ON ${s}.report_status`,
      `
      IF NEW.status = 'generated' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'generated') THEN
        INSERT INTO patient_statistics AS ps (patient_id, total_reports, last_report_date, updated_at)
        VALUES (NEW.patient_id, 1, NEW.completed_at, now())
        ON CONFLICT (patient_id) DO UPDATE SET
          total_reports = ps.total_reports + 1,
          last_report_date = GREATEST(ps.last_report_date, NEW.completed_at),
          updated_at = now();
      END IF;`,
    );

    // each report's pipeline: [status, time] steps after the request
    const reports = [
      {
        id: 'r1',
        patient: 'p1',
        steps: [
          ['generating', '2026-01-09T09:59:00Z'],
          ['generated', '2026-01-09T10:00:00Z'],
        ],
      },
      {
        id: 'r2',
        patient: 'p1',
        steps: [
          ['generating', '2026-01-12T09:00:00Z'],
          ['generated', '2026-01-12T10:00:00Z'],
        ],
      },
      {
        id: 'r3',
        patient: 'p1',
        steps: [
          ['generating', '2026-01-13T09:00:00Z'],
          ['failed', '2026-01-13T09:01:00Z'],
        ],
      },
      {
        id: 'r4',
        patient: 'p2',
        steps: [
          ['generating', '2026-01-14T09:00:00Z'],
          ['failed', '2026-01-14T09:01:00Z'],
          ['generating', '2026-01-15T09:00:00Z'],
          ['generated', '2026-01-15T09:05:00Z'],
        ],
      },
    ] as const;
    await insertPatients(t.query, s, ['p1', 'p2']);
    const log = new EventLog();
    const events = registrations(log, ['p1', 'p2']);
    for (const r of reports) {
      const stream = { streamId: `report-${r.id}` };
      await t.query(
        `INSERT INTO ${s}.report_status (report_id, patient_id, report_type, requested_at) VALUES ('${r.id}', '${r.patient}', 'summary', '2026-01-08T00:00:00Z')`,
      );
      events.push(
        log.event(
          'ReportRequested',
          { reportId: r.id, patientId: r.patient, reportType: 'summary', priority: 3 },
          { ...stream, occurredAt: '2026-01-08T00:00:00Z' },
        ),
      );
      let retries = 0;
      for (const [status, time] of r.steps) {
        const of = { patientId: r.patient, reportType: 'summary' };
        if (status === 'generating') {
          await t.query(
            `UPDATE ${s}.report_status SET status = 'generating', started_at = '${time}' WHERE report_id = '${r.id}'`,
          );
          events.push(
            log.event(
              'ReportGenerationStarted',
              { reportId: r.id, ...of, retryCount: retries },
              { ...stream, occurredAt: time },
            ),
          );
        } else if (status === 'failed') {
          retries += 1;
          await t.query(
            `UPDATE ${s}.report_status SET status = 'failed', failed_at = '${time}', error_message = 'timeout', retry_count = ${retries} WHERE report_id = '${r.id}'`,
          );
          events.push(
            log.event(
              'ReportGenerationFailed',
              { reportId: r.id, errorMessage: 'timeout', ...of, retryCount: retries },
              { ...stream, occurredAt: time },
            ),
          );
        } else {
          await t.query(
            `UPDATE ${s}.report_status SET status = 'generated', completed_at = '${time}', report_uri = 'blob://${r.id}' WHERE report_id = '${r.id}'`,
          );
          events.push(
            log.event(
              'ReportGenerated',
              { reportId: r.id, reportUri: `blob://${r.id}`, ...of },
              { ...stream, occurredAt: time },
            ),
          );
        }
      }
    }
    await t.apply(events);

    const stats = (schema: string) =>
      t.query(
        `SELECT patient_id, total_reports, ${at('last_report_date')} AS last_report_date FROM ${schema}.patient_statistics ORDER BY patient_id`,
      );
    const fromTrigger = await stats(s);
    expect(fromTrigger).toEqual([
      { patient_id: 'p1', total_reports: 2, last_report_date: '2026-01-12T10:00:00+00:00' },
      { patient_id: 'p2', total_reports: 1, last_report_date: '2026-01-15T09:05:00+00:00' },
    ]);
    expect(await stats(t.schema)).toEqual(fromTrigger);
  });

  it('timeline_on_scan: an uploaded scan creates a timeline entry', async () => {
    const t = await harness.fresh(patientTimelineProjection);
    const s = await seedSchema(t.query);
    await createTrigger(
      t.query,
      s,
      'timeline_on_scan',
      `AFTER INSERT ON ${s}.mri_scans`,
      `
      INSERT INTO patient_timeline (patient_id, event_date, event_type, title, description, severity, source_type, source_id, doctor_id)
      VALUES (NEW.patient_id, NEW.upload_date, 'scan_uploaded', NEW.modality || ' scan uploaded', 'Scan ' || NEW.id, 'info', 'scan', NEW.id, NEW.doctor_id);`,
    );

    const scans = [
      { id: 's1', patient: 'p1', doctor: 'd1', modality: 'MRI', time: '2026-01-06T10:00:00Z', takenAt: true },
      { id: 's2', patient: 'p1', doctor: null, modality: 'CT', time: '2026-01-07T09:00:00Z', takenAt: false },
      { id: 's3', patient: 'p2', doctor: 'd2', modality: 'MRI', time: '2026-01-02T16:45:00+01:00', takenAt: true },
    ] as const;
    await insertPatients(t.query, s, ['p1', 'p2']);
    const log = new EventLog();
    const events = registrations(log, ['p1', 'p2']);
    for (const scan of scans) {
      await t.query(
        `INSERT INTO ${s}.mri_scans VALUES ('${scan.id}', '${scan.patient}', ${scan.doctor === null ? 'NULL' : `'${scan.doctor}'`}, '${scan.modality}', 'blob://${scan.id}', '${scan.time}')`,
      );
      events.push(
        log.event(
          'ScanUploaded',
          {
            scanId: scan.id,
            patientId: scan.patient,
            ...(scan.doctor === null ? {} : { doctorId: scan.doctor }),
            modality: scan.modality,
            fileUri: `blob://${scan.id}`,
            sha256: 'e'.repeat(64),
            sizeBytes: 2048,
            ...(scan.takenAt ? { takenAt: scan.time } : {}),
          },
          { streamId: `scan-${scan.id}`, occurredAt: scan.time },
        ),
      );
    }
    await t.apply(events);

    const entries = (schema: string) =>
      t.query(`SELECT patient_id, ${at('event_date')} AS event_date, event_type, severity, source_type, source_id, doctor_id
      FROM ${schema}.patient_timeline WHERE event_type = 'scan_uploaded' ORDER BY source_id`);
    const fromTrigger = await entries(s);
    expect(fromTrigger).toEqual([
      {
        patient_id: 'p1',
        event_date: '2026-01-06T10:00:00+00:00',
        event_type: 'scan_uploaded',
        severity: 'info',
        source_type: 'scan',
        source_id: 's1',
        doctor_id: 'd1',
      },
      {
        patient_id: 'p1',
        event_date: '2026-01-07T09:00:00+00:00',
        event_type: 'scan_uploaded',
        severity: 'info',
        source_type: 'scan',
        source_id: 's2',
        doctor_id: null,
      },
      {
        patient_id: 'p2',
        event_date: '2026-01-02T15:45:00+00:00',
        event_type: 'scan_uploaded',
        severity: 'info',
        source_type: 'scan',
        source_id: 's3',
        doctor_id: 'd2',
      },
    ]);
    expect(await entries(t.schema)).toEqual(fromTrigger);
  });

  it('timeline_on_prediction: a prediction creates an entry with severity based on its result', async () => {
    const t = await harness.fresh(patientTimelineProjection);
    const s = await seedSchema(t.query);
    await createTrigger(
      t.query,
      s,
      'timeline_on_prediction',
      `AFTER INSERT ON ${s}.predictions`,
      `
      INSERT INTO patient_timeline (patient_id, event_date, event_type, title, description, severity, source_type, source_id, doctor_id)
      SELECT scan.patient_id, NEW.created_at, 'prediction_made', 'Prediction: ' || NEW.result, 'Scan ' || scan.id,
        CASE
          WHEN NEW.result = 'negative' THEN 'info'
          WHEN NEW.result = 'inconclusive' THEN 'low'
          WHEN NEW.stage <= 2 THEN 'medium'
          WHEN NEW.stage = 3 THEN 'high'
          ELSE 'critical'
        END,
        'prediction', NEW.id, scan.doctor_id
      FROM mri_scans scan WHERE scan.id = NEW.scan_id;`,
    );

    const predictions = [
      { id: 'n', result: 'negative' },
      { id: 'i', result: 'inconclusive' },
      ...[0, 1, 2, 3, 4, 5].map((stage) => ({ id: `s${stage}`, result: 'positive' as const, stage })),
    ] as const;
    await insertPatients(t.query, s, ['p1']);
    await t.query(
      `INSERT INTO ${s}.mri_scans VALUES ('scan1', 'p1', 'd1', 'MRI', 'blob://scan1', '2026-01-06T10:00:00Z')`,
    );
    const log = new EventLog();
    const events = [
      ...registrations(log, ['p1']),
      log.event(
        'ScanUploaded',
        {
          scanId: 'scan1',
          patientId: 'p1',
          doctorId: 'd1',
          modality: 'MRI',
          fileUri: 'blob://scan1',
          sha256: 'f'.repeat(64),
          sizeBytes: 1,
          takenAt: '2026-01-06T10:00:00Z',
        },
        { streamId: 'scan-scan1', occurredAt: '2026-01-06T10:00:00Z' },
      ),
    ];
    for (const [i, p] of predictions.entries()) {
      const time = `2026-01-07T1${i}:00:00Z`;
      const stage = 'stage' in p ? p.stage : undefined;
      await t.query(
        `INSERT INTO ${s}.predictions VALUES ('${p.id}', 'scan1', '${p.result}', ${stage ?? 'NULL'}, 0.9, 'v1', '${time}')`,
      );
      events.push(
        log.event(
          'PredictionRecorded',
          {
            scanId: 'scan1',
            predictionId: p.id,
            result: p.result,
            ...(stage === undefined ? {} : { stage }),
            confidence: 0.9,
            modelVersion: 'v1',
            patientId: 'p1',
          },
          { streamId: 'scan-scan1', occurredAt: time },
        ),
      );
    }
    await t.apply(events, 3);

    const entries = (schema: string) =>
      t.query<{
        source_id: string;
        severity: string;
      }>(`SELECT patient_id, ${at('event_date')} AS event_date, event_type, severity, source_type, source_id, doctor_id
      FROM ${schema}.patient_timeline WHERE event_type = 'prediction_made' ORDER BY event_date`);
    const fromTrigger = await entries(s);
    expect(fromTrigger.map((e) => [e.source_id, e.severity])).toEqual([
      ['n', 'info'],
      ['i', 'low'],
      ['s0', 'medium'],
      ['s1', 'medium'],
      ['s2', 'medium'],
      ['s3', 'high'],
      ['s4', 'critical'],
      ['s5', 'critical'],
    ]);
    expect(fromTrigger[0]).toEqual({
      patient_id: 'p1',
      event_date: '2026-01-07T10:00:00+00:00',
      event_type: 'prediction_made',
      severity: 'info',
      source_type: 'prediction',
      source_id: 'n',
      doctor_id: 'd1',
    });
    expect(await entries(t.schema)).toEqual(fromTrigger);
  });
});
