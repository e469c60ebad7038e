import { sql } from 'kysely';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { insertRows, loadRowMap, type Row } from '../../libs/projection-engine/rows.js';
import { stageChangedRows, type StoredLog } from './stage-rows.js';
import { timelineEntry } from './timeline-entry.js';
import { timelineEventTypes, toTimelineSource, type TimelineSource } from './timeline-events.js';
import {
  PATIENT_TIMELINE,
  PATIENT_TIMELINE_SCANS,
  PATIENT_TIMELINE_SYMPTOM_LOGS,
  patientTimelineTableNames,
  patientTimelineTables,
} from './patient-timeline.tables.js';

const handled: ReadonlySet<string> = new Set(timelineEventTypes);

/**
 * `patient_timeline`: one row per handled event (SPEC §4), plus the `stage_changed` rows of the
 * tracker's return-to-sport stages. Per batch, at most six statements: load the scans the
 * batch's predictions refer to, remember the batch's scans and symptom logs, load every log of
 * each person who logged, delete those people's stage_changed rows, insert all new rows.
 * Stage rows are recomputed from all of a person's logs because a backdated log can change
 * the whole sequence.
 */
export const patientTimelineProjection: Projection = {
  name: 'patient_timeline',
  version: 1,
  eventTypes: timelineEventTypes,
  tableNames: patientTimelineTableNames,
  tables: patientTimelineTables,
  configKeys: ['triageMap', 'stages'],
  async apply(events, db, context) {
    const sources = events.filter((e) => handled.has(e.type)).map(toTimelineSource);

    const scans = new Map(sources.flatMap(scanRow).map((row) => [row.scan_id, row]));
    const unknownScanIds = sources.flatMap(({ event }) =>
      event.type === 'PredictionRecorded' && !scans.has(event.data.scanId) ? [event.data.scanId] : [],
    );
    const storedScans = await loadRowMap(db, PATIENT_TIMELINE_SCANS, 'scan_id', unknownScanIds);
    const scanDoctor = (scanId: string) => {
      const doctor = (scans.get(scanId) ?? storedScans.get(scanId))?.doctor_id;
      return typeof doctor === 'string' ? doctor : null;
    };
    const rows: Row[] = sources.map((source) => timelineEntry(source, { triageMap: context.triageMap, scanDoctor }));

    await insertRows(db, PATIENT_TIMELINE_SCANS, ['scan_id'], [...scans.values()]);
    const logs = sources.flatMap(logRow);
    await insertRows(db, PATIENT_TIMELINE_SYMPTOM_LOGS, ['event_id'], logs);

    const people = [...new Set(logs.map((log) => log.patient_id))];
    if (people.length > 0) {
      const logsByPerson = await loadLogs(db, people);
      await sql`DELETE FROM ${sql.table(PATIENT_TIMELINE)}
        WHERE event_type = 'stage_changed' AND patient_id = ANY(${people}::text[])`.execute(db);
      for (const person of people) rows.push(...stageChangedRows(person, logsByPerson.get(person) ?? [], context.stages));
    }
    await insertRows(db, PATIENT_TIMELINE, ['event_id'], rows);
  },
};

function scanRow({ event }: TimelineSource) {
  return event.type === 'ScanUploaded'
    ? [{ scan_id: event.data.scanId, patient_id: event.data.patientId, doctor_id: event.data.doctorId ?? null }]
    : [];
}

function logRow({ event, id, position }: TimelineSource) {
  return event.type === 'SymptomLogged'
    ? [{ event_id: id, patient_id: event.data.patientId, log_id: event.data.logId, severity: event.data.severity, logged_at: event.data.loggedAt, position }]
    : [];
}

/** Every stored log of these people, in loggedAt order, ties in log order. */
async function loadLogs(db: Parameters<Projection['apply']>[1], people: readonly string[]): Promise<Map<string, StoredLog[]>> {
  const { rows } = await sql<{ patient_id: string; event_id: string; log_id: string; severity: number; logged_at: string }>`
    SELECT patient_id, event_id, log_id, severity, to_jsonb(logged_at) #>> '{}' AS logged_at
    FROM ${sql.table(PATIENT_TIMELINE_SYMPTOM_LOGS)}
    WHERE patient_id = ANY(${people}::text[])
    ORDER BY patient_id, logged_at, position`.execute(db);
  const byPerson = new Map<string, StoredLog[]>();
  for (const row of rows) {
    const list = byPerson.get(row.patient_id) ?? [];
    list.push({ eventId: row.event_id, logId: row.log_id, severity: row.severity, loggedAt: row.logged_at });
    byPerson.set(row.patient_id, list);
  }
  return byPerson;
}
