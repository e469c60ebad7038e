import { z } from 'zod';
import { anyKey, idKey, intKey, timeKey } from './cursor.js';
import { PATIENTS_CURSOR } from './patients.reads.js';
import { cursorParam, enumListParam, instantParam, limitParam } from './query-params.js';
import { REPORTS_CURSOR, reportStatuses } from './reports.reads.js';
import { PLAYER_KPIS_CURSOR } from './sessions.reads.js';
import { TIMELINE_CURSOR } from './timeline.reads.js';

/** `GET /patients?limit=&after=` */
export const patientListQuery = z
  .object({ limit: limitParam(), after: cursorParam(PATIENTS_CURSOR, [idKey]).optional() })
  .strict();

/** `GET /patients/{id}/timeline?limit=&before=` */
export const timelineQuery = z
  .object({ limit: limitParam(), before: cursorParam(TIMELINE_CURSOR, [timeKey, anyKey]).optional() })
  .strict();

/** `?active=true|false` of the care-team lists (absent: every assignment). */
export const careTeamQuery = z
  .object({
    active: z
      .string({ error: 'must be given once, as text' })
      .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();

/** `GET /reports?status=&limit=&after=` */
export const reportQueueQuery = z
  .object({
    status: enumListParam(reportStatuses).optional(),
    limit: limitParam(),
    after: cursorParam(REPORTS_CURSOR, [timeKey, idKey]).optional(),
  })
  .strict();

/** `GET /players/{id}/kpis?limit=&before=` */
export const playerKpisQuery = z
  .object({ limit: limitParam(), before: cursorParam(PLAYER_KPIS_CURSOR, [timeKey, intKey]).optional() })
  .strict();

/** `?deidentified=true|false` of the exports (absent: false). */
const deidentifiedParam = () =>
  z
    .string({ error: 'must be given once, as text' })
    .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
    .transform((value) => value === 'true')
    .default(false);

/** `GET /exports/tracker?deidentified=` */
export const trackerExportQuery = z.object({ deidentified: deidentifiedParam() }).strict();

/** `GET /exports/symptom-log?since=&deidentified=` */
export const symptomLogQuery = z
  .object({ since: instantParam().optional(), deidentified: deidentifiedParam() })
  .strict();
