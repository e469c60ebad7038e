import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import { patientTimelineProjection } from './patient-timeline.projection.js';
import { symptomLog, timelineHistory } from './timeline-fixtures.js';

const harness = specHarness();

const newestFirst = `SELECT event_type, event_date, severity, source_id FROM patient_timeline
  WHERE patient_id = $1 ORDER BY event_date DESC, event_id DESC`;

describe('patient_timeline projection', () => {
  it("an erasure gives the patient's rows their erased texts; a replay after it writes the same rows", async () => {
    const events = timelineHistory();
    const patients = [
      ...new Set(events.flatMap((e) => (typeof e.data['patientId'] === 'string' ? [e.data['patientId']] : []))),
    ];
    const erasures = patients.map((patientId) =>
      new EventLog().event('PatientErased', { patientId, reason: 'request' }, { streamId: `patient-${patientId}` }),
    );
    const live = await harness.fresh(patientTimelineProjection);
    await live.apply(events);
    await live.apply(erasures);
    const replay = await harness.fresh(patientTimelineProjection);
    await replay.apply([...events, ...erasures]);
    const rows = await live.rows('patient_timeline', 'event_id');
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row['description']).toBe(row['description_erased']);
    expect(rows.map((r) => r['description'])).toContain('Patient registered (rugby, team t1, wing, #11)');
    expect(JSON.stringify(rows)).not.toMatch(/Lovelace|headache|concussion|renderer timed out|did not come/);
    expect(await replay.rows('patient_timeline', 'event_id')).toEqual(rows);
  });

  it('writes one row per handled event with its business time, text, severity, source and doctor', async () => {
    const events = timelineHistory();
    const t = await harness.fresh(patientTimelineProjection);
    await t.apply(events);
    const id = (i: number) => events[i]!.id;
    const base = { patient_id: 'p1', doctor_id: null };
    expect(await t.rows('patient_timeline', 'event_date')).toEqual([
      {
        ...base,
        event_id: id(0),
        event_date: '2026-01-01T09:00:00+00:00',
        event_type: 'patient_registered',
        title: 'Patient registered',
        description: 'Ada Lovelace registered (rugby, team t1, wing, #11)',
        description_erased: 'Patient registered (rugby, team t1, wing, #11)',
        severity: 'info',
        source_type: 'patient',
        source_id: 'p1',
      },
      {
        ...base,
        event_id: id(1),
        event_date: '2026-01-01T09:05:00+00:00',
        event_type: 'doctor_assigned',
        title: 'Doctor assigned',
        description: 'Doctor d1 assigned as primary doctor',
        description_erased: 'Doctor d1 assigned as primary doctor',
        severity: 'info',
        source_type: 'doctor',
        source_id: 'd1',
        doctor_id: 'd1',
      },
      {
        ...base,
        event_id: id(2),
        event_date: '2026-01-02T00:00:00+00:00',
        event_type: 'consultation',
        title: 'In person consultation',
        description:
          'In person consultation with doctor d1, completed; chief complaint: headache, diagnosis: concussion',
        description_erased: 'In person consultation with doctor d1, completed',
        severity: 'info',
        source_type: 'consultation',
        source_id: 'c1',
        doctor_id: 'd1',
      },
      {
        ...base,
        event_id: id(5),
        event_date: '2026-01-03T10:00:00+00:00',
        event_type: 'scan_uploaded',
        title: 'MRI scan uploaded',
        description: 'MRI scan s1 of brain uploaded',
        description_erased: 'MRI scan s1 of brain uploaded',
        severity: 'info',
        source_type: 'scan',
        source_id: 's1',
        doctor_id: 'd1',
      },
      {
        ...base,
        event_id: id(6),
        event_date: '2026-01-03T11:00:00+00:00',
        event_type: 'prediction_made',
        title: 'Prediction: positive (stage 3)',
        description: 'Model v2 on scan s1: positive (stage 3), confidence 87%',
        description_erased: 'Model v2 on scan s1: positive (stage 3), confidence 87%',
        severity: 'high',
        source_type: 'prediction',
        source_id: 'pr1',
        doctor_id: 'd1',
      },
      {
        ...base,
        event_id: id(7),
        event_date: '2026-01-03T12:00:00+00:00',
        event_type: 'report_requested',
        title: 'Report requested: mri_summary',
        description: 'Report r1 (mri_summary) requested with priority 3',
        description_erased: 'Report r1 (mri_summary) requested with priority 3',
        severity: 'info',
        source_type: 'report',
        source_id: 'r1',
      },
      {
        ...base,
        event_id: id(9),
        event_date: '2026-01-03T12:02:00+00:00',
        event_type: 'report_failed',
        title: 'Report failed: mri_summary',
        description: 'Report r1 (mri_summary) failed, attempt 1: renderer timed out',
        description_erased: 'Report r1 (mri_summary) failed, attempt 1',
        severity: 'medium',
        source_type: 'report',
        source_id: 'r1',
      },
      {
        ...base,
        event_id: id(10),
        event_date: '2026-01-03T12:10:00+00:00',
        event_type: 'report_generated',
        title: 'Report ready: mri_summary',
        description: 'Report r1 (mri_summary) generated',
        description_erased: 'Report r1 (mri_summary) generated',
        severity: 'info',
        source_type: 'report',
        source_id: 'r1',
      },
      {
        ...base,
        event_id: id(11),
        event_date: '2026-01-04T08:00:00+00:00',
        event_type: 'symptom_logged',
        title: 'Symptom logged: neck pain',
        description: 'Neck pain at severity 2/6, reported by coach, during game, red flag',
        description_erased: 'Neck pain at severity 2/6, reported by coach, during game, red flag',
        severity: 'critical',
        source_type: 'symptom_log',
        source_id: 'l1',
      },
      {
        ...base,
        event_id: id(13),
        event_date: '2026-01-05T11:30:00+00:00',
        event_type: 'session_completed',
        title: 'Session completed',
        description: 'Session x1 completed after 90 min',
        description_erased: 'Session x1 completed after 90 min',
        severity: 'info',
        source_type: 'session',
        source_id: 'x1',
      },
      {
        ...base,
        event_id: id(3),
        event_date: '2026-01-10T15:00:00+00:00',
        event_type: 'consultation',
        title: 'Emergency consultation scheduled',
        description: 'Emergency consultation with doctor d2, scheduled',
        description_erased: 'Emergency consultation with doctor d2, scheduled',
        severity: 'high',
        source_type: 'consultation',
        source_id: 'c2',
        doctor_id: 'd2',
      },
      {
        ...base,
        event_id: id(4),
        event_date: '2026-01-10T16:00:00+00:00',
        event_type: 'consultation_status_changed',
        title: 'Consultation no show',
        description: 'Consultation c2 with doctor d2 changed from scheduled to no show: did not come',
        description_erased: 'Consultation c2 with doctor d2 changed from scheduled to no show',
        severity: 'low',
        source_type: 'consultation',
        source_id: 'c2',
        doctor_id: 'd2',
      },
    ]);
  });

  it('pages a patient newest first by event_date', async () => {
    const t = await harness.fresh(patientTimelineProjection);
    await t.apply(timelineHistory());
    const rows = await t.query<{ event_type: string }>(`${newestFirst} LIMIT 3`, ['p1']);
    expect(rows.map((r) => r.event_type)).toEqual(['consultation_status_changed', 'consultation', 'session_completed']);
  });

  it('gives a prediction the doctor of a scan uploaded in an earlier batch, and none when the scan had none', async () => {
    const log = new EventLog();
    const events = [
      log.event(
        'ScanUploaded',
        {
          scanId: 's1',
          patientId: 'p1',
          doctorId: 'd7',
          modality: 'CT',
          fileUri: 'f',
          sha256: 'b'.repeat(64),
          sizeBytes: 1,
        },
        { streamId: 'scan-s1', occurredAt: '2026-02-01T10:00:00Z' },
      ),
      log.event(
        'ScanUploaded',
        { scanId: 's2', patientId: 'p1', modality: 'MRI', fileUri: 'f', sha256: 'b'.repeat(64), sizeBytes: 1 },
        { streamId: 'scan-s2', occurredAt: '2026-02-01T11:00:00Z' },
      ),
      log.event(
        'PredictionRecorded',
        { scanId: 's1', predictionId: 'a', result: 'negative', confidence: 0.5, modelVersion: 'v1', patientId: 'p1' },
        { streamId: 'scan-s1', occurredAt: '2026-02-02T10:00:00Z' },
      ),
      log.event(
        'PredictionRecorded',
        {
          scanId: 's2',
          predictionId: 'b',
          result: 'inconclusive',
          confidence: 0.333,
          modelVersion: 'v1',
          patientId: 'p1',
        },
        { streamId: 'scan-s2', occurredAt: '2026-02-02T11:00:00Z' },
      ),
    ];
    const t = await harness.fresh(patientTimelineProjection);
    await t.apply(events, 2);
    const rows = await t.query(
      `SELECT source_id, doctor_id, severity, title, description FROM patient_timeline WHERE event_type = 'prediction_made' ORDER BY source_id`,
    );
    expect(rows).toEqual([
      {
        source_id: 'a',
        doctor_id: 'd7',
        severity: 'info',
        title: 'Prediction: negative',
        description: 'Model v1 on scan s1: negative, confidence 50%',
      },
      {
        source_id: 'b',
        doctor_id: null,
        severity: 'low',
        title: 'Prediction: inconclusive',
        description: 'Model v1 on scan s2: inconclusive, confidence 33%',
      },
    ]);
  });

  it('adds a stage_changed row for each change of stage after the first log, with a derived event id', async () => {
    const log = new EventLog();
    const events = [
      symptomLog(log, 'p1', 'l1', 'headache', 4, '2026-01-01T08:00:00Z'),
      symptomLog(log, 'p1', 'l2', 'headache', 0, '2026-01-02T09:00:00Z'),
      symptomLog(log, 'p1', 'l3', 'headache', 1, '2026-01-03T10:00:00Z'),
      symptomLog(log, 'p1', 'l4', 'dizziness', 5, '2026-01-03T12:00:00Z'),
    ];
    const t = await harness.fresh(patientTimelineProjection);
    await t.apply(events);
    expect(
      await t.query(`SELECT * FROM patient_timeline WHERE event_type = 'stage_changed' ORDER BY event_date`),
    ).toEqual([
      {
        event_id: `${events[1]!.id}:stage`,
        patient_id: 'p1',
        event_date: expect.any(Date),
        event_type: 'stage_changed',
        title: 'Stage changed: light aerobic exercise',
        description: 'Moved up from symptom limited activity (stage 1) to light aerobic exercise (stage 2)',
        description_erased: 'Moved up from symptom limited activity (stage 1) to light aerobic exercise (stage 2)',
        severity: 'info',
        source_type: 'symptom_log',
        source_id: 'l2',
        doctor_id: null,
      },
      {
        event_id: `${events[2]!.id}:stage`,
        patient_id: 'p1',
        event_date: expect.any(Date),
        event_type: 'stage_changed',
        title: 'Stage changed: sport specific exercise',
        description: 'Moved up from light aerobic exercise (stage 2) to sport specific exercise (stage 3)',
        description_erased: 'Moved up from light aerobic exercise (stage 2) to sport specific exercise (stage 3)',
        severity: 'info',
        source_type: 'symptom_log',
        source_id: 'l3',
        doctor_id: null,
      },
      {
        event_id: `${events[3]!.id}:stage`,
        patient_id: 'p1',
        event_date: expect.any(Date),
        event_type: 'stage_changed',
        title: 'Stage changed: light aerobic exercise',
        description: 'Moved back from sport specific exercise (stage 3) to light aerobic exercise (stage 2)',
        description_erased: 'Moved back from sport specific exercise (stage 3) to light aerobic exercise (stage 2)',
        severity: 'medium',
        source_type: 'symptom_log',
        source_id: 'l4',
        doctor_id: null,
      },
    ]);
    const dates = await t.query<{ d: string }>(
      `SELECT to_jsonb(event_date) #>> '{}' AS d FROM patient_timeline WHERE event_type = 'stage_changed' ORDER BY event_date`,
    );
    expect(dates.map((r) => r.d)).toEqual([
      '2026-01-02T09:00:00+00:00',
      '2026-01-03T10:00:00+00:00',
      '2026-01-03T12:00:00+00:00',
    ]);
    const symptomRows = await t.query<{ severity: string }>(
      `SELECT severity FROM patient_timeline WHERE event_type = 'symptom_logged' ORDER BY event_date`,
    );
    expect(symptomRows.map((r) => r.severity)).toEqual(['medium', 'low', 'low', 'high']);
  });

  it('recomputes the stage sequence of a person when a backdated log arrives, leaving other people alone', async () => {
    const log = new EventLog();
    const first = [
      symptomLog(log, 'p1', 'l1', 'headache', 4, '2026-01-01T08:00:00Z'),
      symptomLog(log, 'p2', 'm1', 'headache', 4, '2026-01-01T08:00:00Z'),
      symptomLog(log, 'p1', 'l2', 'headache', 0, '2026-01-02T09:00:00Z'),
      symptomLog(log, 'p2', 'm2', 'headache', 0, '2026-01-02T09:00:00Z'),
      symptomLog(log, 'p1', 'l3', 'headache', 1, '2026-01-03T10:00:00Z'),
      symptomLog(log, 'p1', 'l4', 'dizziness', 5, '2026-01-03T12:00:00Z'),
    ];
    const backdated = symptomLog(log, 'p1', 'l5', 'headache', 3, '2026-01-02T08:00:00Z');
    const stageRows = `SELECT patient_id, source_id, title, severity FROM patient_timeline WHERE event_type = 'stage_changed' ORDER BY patient_id, event_date`;
    const t = await harness.fresh(patientTimelineProjection);
    await t.apply(first);
    expect(await t.query(stageRows)).toEqual([
      { patient_id: 'p1', source_id: 'l2', title: 'Stage changed: light aerobic exercise', severity: 'info' },
      { patient_id: 'p1', source_id: 'l3', title: 'Stage changed: sport specific exercise', severity: 'info' },
      { patient_id: 'p1', source_id: 'l4', title: 'Stage changed: light aerobic exercise', severity: 'medium' },
      { patient_id: 'p2', source_id: 'm2', title: 'Stage changed: light aerobic exercise', severity: 'info' },
    ]);
    await t.apply([backdated]);
    // l5 (symptomatic, at stage 1) restarts the clock: l2 comes 1 h later and no longer moves them up
    expect(await t.query(stageRows)).toEqual([
      { patient_id: 'p1', source_id: 'l3', title: 'Stage changed: light aerobic exercise', severity: 'info' },
      { patient_id: 'p1', source_id: 'l4', title: 'Stage changed: symptom limited activity', severity: 'medium' },
      { patient_id: 'p2', source_id: 'm2', title: 'Stage changed: light aerobic exercise', severity: 'info' },
    ]);
    const all = [...first, backdated];
    const oneBatch = await harness.fresh(patientTimelineProjection);
    await oneBatch.apply(all);
    expect(await oneBatch.rows('patient_timeline', 'event_id')).toEqual(await t.rows('patient_timeline', 'event_id'));
  });

  it('gives the same rows in batches of one, of three and in one batch', async () => {
    const log = new EventLog();
    const events = [
      ...timelineHistory(log),
      symptomLog(log, 'p1', 'k2', 'headache', 0, '2026-01-05T09:00:00Z'),
      symptomLog(log, 'p1', 'k3', 'headache', 0, '2026-01-03T09:00:00Z'),
      symptomLog(log, 'p1', 'k4', 'seizure', 6, '2026-01-06T09:00:00Z'),
    ];
    const results = [];
    for (const size of [1, 3, events.length]) {
      const t = await harness.fresh(patientTimelineProjection);
      await t.apply(events, size);
      results.push(await t.rows('patient_timeline', 'event_id'));
    }
    // 12 event rows of the history, 3 more logs, 2 stage changes (k2 moves up, the seizure moves back)
    expect(results[0]).toHaveLength(17);
    expect(
      results[0]!
        .filter((r) => r['event_type'] === 'stage_changed')
        .map((r) => `${String(r['source_id'])}:${String(r['severity'])}`)
        .sort(),
    ).toEqual(['k2:info', 'k4:medium']);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
