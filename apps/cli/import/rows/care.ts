import { commandRegistry } from '../../../../libs/domain/commands.js';
import { command, type RowCommand, type TableImporter } from './row-plan.js';
import { code, date, firstInstant, numeric, text, timestamp, upperCode, type LegacyRow } from './row-values.js';

const { RecordConsultation, ChangeConsultationStatus, UploadScan, RecordPrediction } = commandRegistry;
const { RequestReport, StartReportGeneration, CompleteReport, FailReport } = commandRegistry;

/** A legacy consultation status as the domain spells it (`no-show`, `canceled`). */
export function consultationStatus(value: unknown): unknown {
  const status = code(value);
  return status === 'canceled' ? 'cancelled' : status === 'noshow' ? 'no_show' : status;
}

/**
 * `consultations` → ConsultationRecorded (`completed` as completed; `scheduled`, `cancelled` and
 * `no_show` as scheduled), then ConsultationStatusChanged for `cancelled` / `no_show`, at the
 * row's `updated_at`. The recording happens at `consultation_date` (the decider's own rule).
 */
export const consultationsImporter: TableImporter = {
  table: 'consultations',
  key: ['id'],
  read: {
    required: ['id', 'patient_id', 'doctor_id', 'consultation_type', 'consultation_date', 'status'],
    optional: [
      'chief_complaint',
      'diagnosis',
      'prescription',
      'duration_minutes',
      'fee',
      'next_visit_date',
      'notes',
      'created_at',
      'updated_at',
    ],
    orderBy: ['consultation_date', 'id'],
  },
  fieldColumns: {
    consultationId: 'id',
    patientId: 'patient_id',
    doctorId: 'doctor_id',
    consultationType: 'consultation_type',
    consultationDate: 'consultation_date',
    status: 'status',
    chiefComplaint: 'chief_complaint',
    diagnosis: 'diagnosis',
    prescription: 'prescription',
    durationMinutes: 'duration_minutes',
    fee: 'fee',
    nextVisitDate: 'next_visit_date',
    notes: 'notes',
  },
  plan(row: LegacyRow) {
    const streamId = `consultation-${String(row['id'])}`;
    const status = consultationStatus(row['status']);
    const ended = status === 'cancelled' || status === 'no_show';
    const body = {
      consultationId: text(row['id']),
      patientId: text(row['patient_id']),
      doctorId: text(row['doctor_id']),
      consultationType: code(row['consultation_type']),
      consultationDate: timestamp(row['consultation_date']),
      status: ended ? 'scheduled' : status,
      chiefComplaint: text(row['chief_complaint']),
      diagnosis: text(row['diagnosis']),
      prescription: text(row['prescription']),
      durationMinutes: numeric(row['duration_minutes']),
      fee: numeric(row['fee']),
      nextVisitDate: date(row['next_visit_date']),
      notes: text(row['notes']),
    };
    const commands: RowCommand[] = [
      command(
        RecordConsultation,
        (a) => a.consultation,
        streamId,
        body,
        firstInstant(row['created_at'], row['consultation_date']),
        'created_at',
      ),
    ];
    if (ended)
      commands.push(
        command(
          ChangeConsultationStatus,
          (a) => a.consultation,
          streamId,
          { consultationId: body.consultationId, status },
          firstInstant(row['updated_at'], row['created_at'], row['consultation_date']),
          'updated_at',
        ),
      );
    return {
      streamId,
      streams: [streamId, `patient-${String(row['patient_id'])}`, `doctor-${String(row['doctor_id'])}`],
      commands,
    };
  },
};

/** `scans` → ScanUploaded, at `uploaded_at` (its business time is `taken_at` when given). */
export const scansImporter: TableImporter = {
  table: 'scans',
  key: ['scan_id'],
  read: {
    required: ['scan_id', 'patient_id', 'file_uri', 'sha256', 'size_bytes', 'uploaded_at'],
    optional: ['doctor_id', 'modality', 'body_region', 'taken_at'],
    orderBy: ['uploaded_at', 'scan_id'],
  },
  fieldColumns: {
    scanId: 'scan_id',
    patientId: 'patient_id',
    doctorId: 'doctor_id',
    modality: 'modality',
    bodyRegion: 'body_region',
    fileUri: 'file_uri',
    sha256: 'sha256',
    sizeBytes: 'size_bytes',
    takenAt: 'taken_at',
  },
  plan(row: LegacyRow) {
    const streamId = `scan-${String(row['scan_id'])}`;
    const body = {
      scanId: text(row['scan_id']),
      patientId: text(row['patient_id']),
      doctorId: text(row['doctor_id']),
      modality: upperCode(row['modality']) || undefined,
      bodyRegion: text(row['body_region']),
      fileUri: text(row['file_uri']),
      sha256: text(row['sha256']),
      sizeBytes: numeric(row['size_bytes']),
      takenAt: timestamp(row['taken_at']),
    };
    const at = firstInstant(row['uploaded_at'], row['taken_at']);
    return {
      streamId,
      streams: [streamId, `patient-${String(row['patient_id'])}`],
      commands: [command(UploadScan, (a) => a.scan, streamId, body, at, 'uploaded_at')],
    };
  },
};

/** `predictions` → PredictionRecorded on its scan's stream, at `created_at`, in the order they were made. */
export const predictionsImporter: TableImporter = {
  table: 'predictions',
  key: ['prediction_id'],
  read: {
    required: ['prediction_id', 'scan_id', 'result', 'confidence', 'model_version', 'created_at'],
    optional: ['stage'],
    orderBy: ['created_at', 'prediction_id'],
  },
  fieldColumns: {
    scanId: 'scan_id',
    predictionId: 'prediction_id',
    result: 'result',
    stage: 'stage',
    confidence: 'confidence',
    modelVersion: 'model_version',
  },
  plan(row: LegacyRow) {
    const streamId = `scan-${String(row['scan_id'])}`;
    const body = {
      scanId: text(row['scan_id']),
      predictionId: text(row['prediction_id']),
      result: code(row['result']),
      stage: numeric(row['stage']),
      confidence: numeric(row['confidence']),
      modelVersion: text(row['model_version']),
    };
    return {
      streamId,
      streams: [streamId],
      commands: [
        command(RecordPrediction, (a) => a.scan, streamId, body, firstInstant(row['created_at']), 'created_at'),
      ],
    };
  },
};

const reportStatuses = ['pending', 'generating', 'generated', 'failed'];

/**
 * `report_status` → ReportRequested at `requested_at`; then one failed attempt per
 * `retry_count` (ReportGenerationStarted + ReportGenerationFailed; at least one for a `failed`
 * row); then for `generating` / `generated` the last attempt (started at `started_at`) and for
 * `generated` ReportGenerated at `completed_at`. The row keeps only its last attempt's times:
 * the last failure is at `failed_at` (started at `started_at` when the report ended failed),
 * earlier ones at `requested_at`. A `pending` row with retries becomes `failed` with that
 * count (the domain has no "queued again" state). More attempts than the retry rule allows
 * reject the row.
 */
export const reportsImporter: TableImporter = {
  table: 'report_status',
  key: ['report_id'],
  read: {
    required: ['report_id', 'patient_id', 'report_type', 'status', 'requested_at'],
    optional: ['priority', 'started_at', 'completed_at', 'failed_at', 'error_message', 'retry_count', 'report_uri'],
    orderBy: ['requested_at', 'report_id'],
  },
  fieldColumns: {
    reportId: 'report_id',
    patientId: 'patient_id',
    reportType: 'report_type',
    priority: 'priority',
    reportUri: 'report_uri',
    errorMessage: 'error_message',
  },
  plan(row: LegacyRow) {
    const streamId = `report-${String(row['report_id'])}`;
    const reportId = text(row['report_id']);
    const status = code(row['status']);
    const retries = numeric(row['retry_count'] ?? 0);
    const problems = [];
    if (typeof status !== 'string' || !reportStatuses.includes(status))
      problems.push({
        column: 'status',
        message: `not a report status (${reportStatuses.join(', ')}): ${JSON.stringify(row['status'])}`,
      });
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)
      problems.push({ column: 'retry_count', message: `not a count: ${JSON.stringify(row['retry_count'])}` });
    const requested = firstInstant(row['requested_at']);
    const failures = typeof retries === 'number' ? (status === 'failed' ? Math.max(retries, 1) : retries) : 0;
    const errorMessage = text(row['error_message']) ?? 'generation failed (the legacy row gives no message)';
    const commands: RowCommand[] = [
      command(
        RequestReport,
        (a) => a.report,
        streamId,
        {
          reportId,
          patientId: text(row['patient_id']),
          reportType: text(row['report_type']),
          priority: numeric(row['priority']),
        },
        requested,
        'requested_at',
      ),
    ];
    const start = (at: Date | null, column: string) =>
      command(StartReportGeneration, (a) => a.report, streamId, { reportId }, at, column);
    for (let attempt = 1; attempt <= failures; attempt++) {
      const last = attempt === failures;
      const startedAt = last && status === 'failed' ? firstInstant(row['started_at'], row['requested_at']) : requested;
      const failedAt = last ? firstInstant(row['failed_at'], row['started_at'], row['requested_at']) : requested;
      commands.push(start(startedAt, 'started_at'));
      commands.push(command(FailReport, (a) => a.report, streamId, { reportId, errorMessage }, failedAt, 'failed_at'));
    }
    if (status === 'generating' || status === 'generated')
      commands.push(start(firstInstant(row['started_at'], row['requested_at']), 'started_at'));
    if (status === 'generated')
      commands.push(
        command(
          CompleteReport,
          (a) => a.report,
          streamId,
          { reportId, reportUri: text(row['report_uri']) },
          firstInstant(row['completed_at'], row['started_at'], row['requested_at']),
          'completed_at',
        ),
      );
    return { streamId, streams: [streamId, `patient-${String(row['patient_id'])}`], commands, problems };
  },
};
