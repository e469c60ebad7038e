import { commandRegistry } from '../../../../libs/domain/commands.js';
import { importedRowId } from '../event-ids.js';
import { legacyKpiColumns } from '../legacy-schema.js';
import { command, type RowCommand, type TableImporter } from './row-plan.js';
import { code, firstInstant, instant, jsonValue, numeric, text, timestamp, type LegacyRow } from './row-values.js';

const { StartSession, CompleteSession, FailSession, LogSymptom } = commandRegistry;

/** Prefix of the joined `session_kpis` columns in a sessions row. */
export const KPI = 'kpis.';

/**
 * Each KPI column with its field in a sessions row, the prefixed name made once: a key built per
 * row (`KPI + column`) is a new string the engine must look up afresh for every property read.
 */
const KPI_FIELDS: readonly (readonly [string, string])[] = legacyKpiColumns.map((c) => [c, KPI + c]);
const KPI_SESSION_ID = `${KPI}session_id`;

const FAILED_REASON = 'failed in the legacy system (its row gives no reason)';

/** The end of a completed session: `end_time`, else start + `duration_seconds`, else `updated_at`. */
function endTime(row: LegacyRow, startTime: unknown): unknown {
  const end = timestamp(row['end_time']);
  if (end !== undefined) return end;
  const start = instant(startTime);
  const duration = numeric(row['duration_seconds']);
  if (start && typeof duration === 'number') return new Date(start.getTime() + duration * 1000).toISOString();
  return timestamp(row['updated_at']);
}

/**
 * `sessions` with their `session_kpis` row → SessionStarted (at `start_time`, else
 * `created_at`); then SessionCompleted with the KPI row's metrics (an empty set when the
 * completed session has no KPI row) or SessionFailed; `pending` and `processing` sessions
 * stay started. A KPI row of a session that did not complete is reported, not imported.
 */
export const sessionsImporter: TableImporter = {
  table: 'sessions',
  key: ['id'],
  read: {
    required: ['id', 'player_id', 'session_type', 'status'],
    optional: [
      'title',
      'description',
      'start_time',
      'end_time',
      'duration_seconds',
      'video_path',
      'created_at',
      'updated_at',
      'metadata',
    ],
    orderBy: ['start_time', 'id'],
  },
  joined: {
    table: 'session_kpis',
    on: 'session_id',
    references: 'id',
    read: { required: ['session_id'], optional: legacyKpiColumns, orderBy: [] },
  },
  fieldColumns: {
    sessionId: 'id',
    playerId: 'player_id',
    sessionType: 'session_type',
    startTime: 'start_time',
    title: 'title',
    description: 'description',
    videoPath: 'video_path',
    metadata: 'metadata',
    endTime: 'end_time',
    reason: 'status',
    ...Object.fromEntries(legacyKpiColumns.map((c) => [`kpis.${c}`, `session_kpis.${c}`])),
  },
  plan(row: LegacyRow) {
    const streamId = `session-${String(row['id'])}`;
    const sessionId = text(row['id']);
    const status = code(row['status']);
    const startTime = timestamp(row['start_time']) ?? timestamp(row['created_at']);
    const body = {
      sessionId,
      playerId: text(row['player_id']),
      sessionType: code(row['session_type']),
      startTime,
      title: text(row['title']),
      description: text(row['description']),
      videoPath: text(row['video_path']),
      metadata: jsonValue(row['metadata']),
    };
    const commands: RowCommand[] = [
      command(
        StartSession,
        (a) => a.session,
        streamId,
        body,
        firstInstant(row['created_at'], row['start_time']),
        'created_at',
      ),
    ];
    const problems = [];
    if (status === 'completed') {
      const kpis: Record<string, unknown> = {};
      for (const [column, field] of KPI_FIELDS) {
        const value = row[field];
        if (value !== null && value !== undefined)
          kpis[column] = column === 'speed_zones' ? jsonValue(value) : numeric(value);
      }
      const end = endTime(row, startTime);
      commands.push(
        command(
          CompleteSession,
          (a) => a.session,
          streamId,
          { sessionId, endTime: end, kpis },
          instant(end),
          'end_time',
        ),
      );
    } else if (status === 'failed') {
      const at = firstInstant(row['updated_at'], row['end_time'], row['start_time'], row['created_at']);
      commands.push(
        command(FailSession, (a) => a.session, streamId, { sessionId, reason: FAILED_REASON }, at, 'updated_at'),
      );
    } else if (status !== 'pending' && status !== 'processing') {
      problems.push({
        column: 'status',
        message: `not a session status (pending, processing, completed, failed): ${JSON.stringify(row['status'])}`,
      });
    }
    const hasKpis = row[KPI_SESSION_ID] !== null && row[KPI_SESSION_ID] !== undefined;
    const kpiKey = { session_id: String(row['id']) };
    return {
      streamId,
      streams: [streamId, `patient-${String(row['player_id'])}`],
      commands,
      problems,
      companion: !hasKpis
        ? undefined
        : status === 'completed'
          ? { table: 'session_kpis', key: kpiKey }
          : {
              table: 'session_kpis',
              key: kpiKey,
              rejected: `the session is ${String(status)}: only a completed session records KPIs`,
            },
    };
  },
};

/**
 * `symptom_log_export` → SymptomLogged at `timestamp`. Read person by person (one append per
 * person), in time order. Seed 000's export has no log id: without `log_id` a row's key is
 * (user_id, timestamp, symptom_id) and its `logId` a UUID v5 of that key.
 */
export const symptomLogsImporter: TableImporter = {
  table: 'symptom_log_export',
  key: ['log_id'],
  keyOf: (row): Readonly<Record<string, string>> =>
    row['log_id'] !== null && row['log_id'] !== undefined
      ? { log_id: String(row['log_id']) }
      : { user_id: String(row['user_id']), timestamp: String(row['timestamp']), symptom_id: String(row['symptom_id']) },
  read: {
    required: ['user_id', 'symptom_id', 'severity', 'timestamp'],
    optional: ['log_id', 'reporter_type', 'incident_context'],
    orderBy: ['user_id', 'timestamp', 'log_id'],
  },
  fieldColumns: {
    patientId: 'user_id',
    symptomId: 'symptom_id',
    severity: 'severity',
    loggedAt: 'timestamp',
    reporterType: 'reporter_type',
    incidentContext: 'incident_context',
    logId: 'log_id',
  },
  plan(row: LegacyRow) {
    const streamId = `tracker-${String(row['user_id'])}`;
    const key = symptomLogsImporter.keyOf!(row);
    const body = {
      patientId: text(row['user_id']),
      symptomId: text(row['symptom_id']),
      severity: numeric(row['severity']),
      loggedAt: timestamp(row['timestamp']),
      reporterType: code(row['reporter_type']),
      incidentContext: code(row['incident_context']),
      logId: text(row['log_id']) ?? importedRowId('symptom_log_export', Object.values(key)),
    };
    return {
      streamId,
      streams: [streamId, `patient-${String(row['user_id'])}`],
      commands: [command(LogSymptom, (a) => a.tracker, streamId, body, firstInstant(row['timestamp']), 'timestamp')],
    };
  },
};
