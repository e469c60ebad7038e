import { bearerSecurity, type PathItem } from '../openapi/openapi-document.js';
import { problemResponses } from '../openapi/openapi-components.js';
import { schemaRef, type JsonSchema } from '../openapi/json-schema.js';
import { rowSchema } from './columns.js';
import { deidentifiedColumns } from './deidentify.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './query-params.js';
import { querySources } from './query-sources.js';
import * as tables from './read-tables.js';
import { OPEN_REPORT_STATUSES, reportStatuses } from './reports.reads.js';
import { ID_PATTERN } from '../../../libs/domain/shared/fields.js';

type Source = keyof typeof querySources;

const pseudonymDescription =
  'With `deidentified=true`: `anon_` and 22 base64url characters, a keyed HMAC-SHA256 of the user id (stable for the service’s export key).';
type Parameter = Record<string, unknown>;

/** Component schemas of the query responses, one per row shape. */
export const queryOpenApiSchemas: Record<string, JsonSchema> = {
  Patient: rowSchema(tables.patientColumns),
  PatientStatistics: rowSchema(tables.statisticsColumns),
  TimelineEntry: rowSchema(tables.timelineColumns, {
    event_id: 'The source event’s id; `<event id>:stage` for a stage_changed row.',
  }),
  PatientDoctor: rowSchema(tables.patientDoctorColumns, {
    consultations: 'Consultations of this doctor with this patient, any status.',
  }),
  DoctorPatient: rowSchema(tables.doctorPatientColumns, {
    consultations: 'Consultations of this doctor with this patient, any status.',
  }),
  PatientConsultation: rowSchema(tables.patientConsultationColumns),
  Report: rowSchema(tables.reportColumns),
  Session: rowSchema(tables.sessionColumns),
  SessionKpis: rowSchema(tables.sessionKpiColumns),
  TrackerExportRow: rowSchema(tables.trackerExportColumns),
  TrackerExportRowDeidentified: rowSchema(deidentifiedColumns(tables.trackerExportColumns), {
    user_id: pseudonymDescription,
  }),
  SymptomLogExportRow: rowSchema(tables.symptomLogExportColumns, {
    user_id: `The person’s id. ${pseudonymDescription}`,
  }),
};

const idParameter = (description: string): Parameter => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern: ID_PATTERN.source },
});
const minPosition: Parameter = {
  name: 'X-Min-Position',
  in: 'header',
  required: false,
  description:
    'Read your writes: a command response’s `position`. Waits until every projection behind the endpoint has passed it, up to 5 s, then 503 `projection_behind`.',
  schema: { type: 'string', pattern: '^[0-9]+$' },
};
const limit: Parameter = {
  name: 'limit',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
};
const cursor = (name: 'after' | 'before'): Parameter => ({
  name,
  in: 'query',
  required: false,
  description: 'The `nextCursor` of the previous page, unchanged.',
  schema: { type: 'string' },
});
const active: Parameter = {
  name: 'active',
  in: 'query',
  required: false,
  description: '`true`: active assignments only; `false`: ended ones only; absent: all.',
  schema: { type: 'boolean' },
};

const responseHeaders = {
  'X-Projection-Position': {
    description: 'The log position the read tables behind this endpoint have reached (decimal string).',
    schema: { type: 'string' },
  },
  'X-Projection-Stale': {
    description: '`true` when a projection behind this endpoint was built with other code or configuration (SPEC §6).',
    schema: { type: 'string', enum: ['true'] },
  },
};

const items = (name: string, ...alternatives: string[]): JsonSchema => ({
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: alternatives.length ? { oneOf: [name, ...alternatives].map(schemaRef) } : schemaRef(name),
    },
  },
  required: ['items'],
});
const deidentified: Parameter = {
  name: 'deidentified',
  in: 'query',
  required: false,
  description:
    '`true`: `user_id` becomes a keyed pseudonym (stable for the export key) and `team_id` is left out (SPEC §9).',
  schema: { type: 'boolean', default: false },
};
const page = (name: string): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: schemaRef(name) },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as the cursor parameter for the next page; null on the last page.',
    },
  },
  required: ['items', 'nextCursor'],
});

function query(
  operationId: string,
  summary: string,
  source: Source,
  body: JsonSchema,
  parameters: Parameter[],
  options: { csv?: boolean; notFound?: boolean } = {},
): PathItem {
  const content: Record<string, unknown> = { 'application/json': { schema: body } };
  if (options.csv)
    content['text/csv'] = {
      schema: { type: 'string', description: 'RFC 4180, header row of the column names, CRLF line ends.' },
    };
  return {
    get: {
      operationId,
      summary,
      description: `Served from the projections ${querySources[source].join(', ')}.${options.csv ? ' JSON by default; `Accept: text/csv` gives CSV.' : ''}`,
      tags: ['queries'],
      security: bearerSecurity,
      parameters: [...parameters, minPosition],
      responses: {
        200: { description: 'OK.', headers: responseHeaders, content },
        ...(options.notFound === false
          ? problemResponses(400, 401, 403, 503)
          : problemResponses(400, 401, 403, 404, 503)),
      },
    },
  };
}

const patientId = idParameter('The patient id.');

/**
 * The query endpoints of SPEC §5 as OpenAPI paths. Wire them with
 * `OpenApiModule.forRoot({ extraPaths: queryOpenApiPaths, extraSchemas: queryOpenApiSchemas })`.
 */
export const queryOpenApiPaths: Record<string, PathItem> = {
  '/patients': query(
    'listPatients',
    'Patients in patient_id order, paged',
    'patients',
    page('Patient'),
    [limit, cursor('after')],
    { notFound: false },
  ),
  '/patients/{id}': query('getPatient', 'One patient', 'patient', schemaRef('Patient'), [patientId]),
  '/patients/{id}/statistics': query(
    'getPatientStatistics',
    'A patient’s statistics',
    'statistics',
    schemaRef('PatientStatistics'),
    [patientId],
  ),
  '/patients/{id}/timeline': query(
    'getPatientTimeline',
    'A patient’s timeline, newest first (event_date, then event_id)',
    'timeline',
    page('TimelineEntry'),
    [patientId, limit, cursor('before')],
  ),
  '/patients/{id}/doctors': query(
    'getPatientDoctors',
    'A patient’s doctors: active first, then by assigned_at',
    'patientDoctors',
    items('PatientDoctor'),
    [patientId, active],
  ),
  '/patients/{id}/consultations': query(
    'getPatientConsultations',
    'A patient’s consultations with doctor_name, newest first',
    'patientConsultations',
    items('PatientConsultation'),
    [patientId],
  ),
  '/patients/{id}/reports': query(
    'getPatientReports',
    'A patient’s reports, newest request first',
    'patientReports',
    items('Report'),
    [patientId],
  ),
  '/doctors/{id}/patients': query(
    'getDoctorPatients',
    'A doctor’s patients: active first, then by assigned_at',
    'doctorPatients',
    items('DoctorPatient'),
    [idParameter('The doctor id.'), active],
  ),
  '/reports': query(
    'listReports',
    'Reports by status, oldest request first',
    'reports',
    page('Report'),
    [
      {
        name: 'status',
        in: 'query',
        required: false,
        description: `Comma-separated statuses (default ${OPEN_REPORT_STATUSES.join(',')}).`,
        schema: { type: 'string', pattern: `^(${reportStatuses.join('|')})(,(${reportStatuses.join('|')}))*$` },
      },
      limit,
      cursor('after'),
    ],
    { notFound: false },
  ),
  '/sessions/{id}': query('getSession', 'One session', 'session', schemaRef('Session'), [
    idParameter('The session id.'),
  ]),
  '/sessions/{id}/kpis': query(
    'getSessionKpis',
    'The KPIs of a completed session (404 when not completed)',
    'sessionKpis',
    schemaRef('SessionKpis'),
    [idParameter('The session id.')],
  ),
  '/players/{id}/kpis': query(
    'getPlayerKpis',
    'A player’s session KPIs, newest first',
    'playerKpis',
    page('SessionKpis'),
    [idParameter('The player (patient) id.'), limit, cursor('before')],
  ),
  '/exports/tracker': query(
    'exportTracker',
    'Every person’s stage and triage level, by user_id',
    'trackerExport',
    items('TrackerExportRow', 'TrackerExportRowDeidentified'),
    [deidentified],
    {
      csv: true,
      notFound: false,
    },
  ),
  '/exports/symptom-log': query(
    'exportSymptomLog',
    'Symptom logs at or after `since`, oldest first',
    'symptomLogExport',
    items('SymptomLogExportRow'),
    [
      {
        name: 'since',
        in: 'query',
        required: false,
        description: 'ISO-8601 time with offset, or a date (midnight UTC).',
        schema: { type: 'string' },
      },
      deidentified,
    ],
    { csv: true, notFound: false },
  ),
};
