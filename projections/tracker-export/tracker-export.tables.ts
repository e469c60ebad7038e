import { defineTable, double, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';
import type { TriageLevel } from '../../libs/domain/tracker/tracker-config.js';

/**
 * `tracker_export` (seed 000, SPEC §4): one row per person (registered or logging). Updated in
 * place at every batch that touches the person: fillfactor 70 leaves room for those updates.
 */
export const trackerExportTable = defineTable(
  'tracker_export',
  {
    user_id: text(),
    current_stage: text().nullable(),
    last_updated: timestamptz().nullable(),
    triage_level: text<TriageLevel>().defaultTo("'green'"),
    age_group: text().nullable(),
    sport_type: text().nullable(),
    team_id: text().nullable(),
    incident_context: text().nullable(),
    reporter_type: text().nullable(),
  },
  {
    primaryKey: ['user_id'],
    indexes: [{ name: 'idx_tracker_export_triage', columns: ['triage_level', 'last_updated DESC'] }],
    fillfactor: 70,
  },
);

/**
 * The columns of a person's stage and triage progress (`TrackerProgress`), shared by the
 * tracker's and the timeline's own progress tables: epoch milliseconds, exact in a double.
 */
export const progressColumns = {
  stage: integer(),
  entered_ms: double(),
  last_symptomatic_ms: double().nullable(),
  latest_ms: double(),
  amber_ms: double().nullable(),
  red_ms: double().nullable(),
};

/**
 * Auxiliary: each logging person's progress — everything an in-order log needs, so a log
 * costs one small row update, not a re-read of the person's history. A backdated log
 * re-reads the person's logs from the event log (`io.history`) instead.
 */
export const trackerProgressTable = defineTable(
  'tracker_export_progress',
  { user_id: text(), ...progressColumns },
  { primaryKey: ['user_id'], fillfactor: 70 },
);

/** One `tracker_export` row as JSON. */
export type TrackerExportRow = RowOf<typeof trackerExportTable>;
/** One `tracker_export_progress` row. */
export type TrackerProgressRow = RowOf<typeof trackerProgressTable>;
