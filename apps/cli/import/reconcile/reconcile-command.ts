import { sql, type Kysely } from 'kysely';
import { positionToString, type EventStore } from '../../../../libs/event-store/index.js';
import { ENGINE_SCHEMA, LIVE_SCHEMA, waitForPosition } from '../../../../libs/projection-engine/index.js';
import { doctorPatientAssignmentsProjection } from '../../../../projections/doctor-patient-assignments/doctor-patient-assignments.projection.js';
import { patientStatisticsProjection } from '../../../../projections/patient-statistics/patient-statistics.projection.js';
import { patientTimelineProjection } from '../../../../projections/patient-timeline/patient-timeline.projection.js';
import type { TrackerRules } from '../../../api/bootstrap/tracker-rules.js';
import { groupedInteger, type Output } from '../../progress-bar.js';
import { importLegacy } from '../import-legacy.js';
import type { LegacyMap } from '../legacy-map.js';
import { legacyColumns } from '../legacy-schema.js';
import type { LegacySource } from '../legacy-source.js';
import type { CliStores } from '../open-stores.js';
import { compareAssignments } from './assignments.js';
import { categories, isExplained, type Category, type Difference } from './categories.js';
import { all, ImportStates, readPatientFacts, type PatientFacts } from './legacy-facts.js';
import { compareStatistics } from './statistics.js';
import { compareTimeline, TRIGGER_KINDS } from './timeline.js';

/** The projections whose rows replace the trigger-kept tables. */
const compared = [patientStatisticsProjection, patientTimelineProjection, doctorPatientAssignmentsProjection];

/** What `reconcile` found (also `--json`). */
export type ReconcileReport = {
  /** the log position the projections had reached */
  position: string | null;
  rows: Record<string, { legacy: number; projection: number }>;
  /** legacy rows the import has not taken yet (a run is missing or was cut short) */
  notImportedYet: number;
  differences: Difference[];
  byCategory: { category: Category; explained: boolean; text: string; count: number }[];
  unexplained: number;
};

type Options = {
  source: LegacySource;
  map: LegacyMap;
  stores: CliStores;
  rules: TrackerRules;
  waitSeconds: number;
  json: boolean;
  /** text output: at most this many lines per category (0: every difference) */
  maxLines: number;
  out: Output;
  err: Output;
};

/**
 * `caretrack import reconcile`: waits (up to `--wait`) for the three projections to reach the
 * log's head, learns what the import made of every legacy row (a dry run: it writes nothing),
 * then compares the legacy trigger-kept tables with the projections' rows. Exit 0 when every
 * difference is explained, 1 otherwise, 3 when the projections are not there or behind.
 */
export async function reconcileLegacy(options: Options): Promise<number> {
  const { source, stores, out, err } = options;
  const { store, database } = stores;
  if (!store || !database) {
    err.write('caretrack: no event log here yet: run `caretrack import legacy` first\n');
    return 3;
  }
  const db = database.db;
  if (!(await projectionsExist(db))) {
    err.write(
      'caretrack: the projections have not run on this database: start the service (it builds them), then reconcile\n',
    );
    return 3;
  }
  const head = await store.headPosition();
  if (!(await waitForPosition(db, store, compared, head ?? 0n, options.waitSeconds * 1000))) {
    err.write(
      `caretrack: the projections are behind the log's head (${head === null ? '-' : positionToString(head)}) after ${options.waitSeconds} s: is the service running? (--wait to give it longer)\n`,
    );
    return 3;
  }
  const report = await reconcile(source, options.map, store, db, options.rules, head);
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReconcile(report, options.maxLines));
  return report.unexplained > 0 ? 1 : 0;
}

/** The comparison itself (the projections are caught up). */
export async function reconcile(
  source: LegacySource,
  map: LegacyMap,
  store: EventStore,
  db: Kysely<unknown>,
  rules: Pick<TrackerRules, 'isKnownSymptom'>,
  head: bigint | null,
): Promise<ReconcileReport> {
  const statsColumns = legacyColumns('patient_statistics').filter((c) => c !== 'updated_at');
  const timelineColumns = legacyColumns('patient_timeline').filter((c) => c !== 'id');
  const assignmentColumns = legacyColumns('doctor_patient_assignments');
  await source.check([
    { table: 'patient_statistics', read: { required: statsColumns, optional: [], orderBy: [] } },
    { table: 'patient_timeline', read: { required: timelineColumns, optional: [], orderBy: [] } },
  ]);
  const states = new ImportStates();
  await importLegacy({
    source,
    map,
    store,
    dryRun: true,
    keys: null,
    runId: 'reconcile',
    isKnownSymptom: rules.isKnownSymptom,
    onOutcome: (o) => states.record(o),
  });
  const facts = await readPatientFacts(source, states);

  const legacyStats = await all(source, 'patient_statistics', statsColumns, ['patient_id']);
  const legacyTimeline = await all(source, 'patient_timeline', timelineColumns, ['patient_id', 'event_date']);
  const legacyAssignments = await all(source, 'doctor_patient_assignments', assignmentColumns, [
    'patient_id',
    'doctor_id',
  ]);
  const projectedStats = await rowsOf(db, 'patient_statistics');
  const kinds = [...new Set([...TRIGGER_KINDS, ...legacyTimeline.map((e) => String(e['event_type']))])];
  const projectedTimeline = await rowsOf(db, 'patient_timeline', sql`WHERE event_type = ANY(${kinds}::text[])`);
  const { rows: otherKinds } = await sql<{
    patient_id: string;
    event_type: string;
    n: number;
  }>`SELECT patient_id, event_type, count(*)::int AS n
      FROM ${sql.id(LIVE_SCHEMA, 'patient_timeline')} WHERE NOT (event_type = ANY(${kinds}::text[])) GROUP BY 1, 2 ORDER BY 1, 2`.execute(
    db,
  );
  const projectedAssignments = await rowsOf(db, 'doctor_patient_assignments');

  const differences: Difference[] = [];
  const legacyById = new Map(legacyStats.map((r) => [String(r['patient_id']), r]));
  const projectedById = new Map(projectedStats.map((r) => [String(r['patient_id']), r]));
  const patients = [...new Set([...legacyById.keys(), ...projectedById.keys()])].sort();
  const none: PatientFacts = {
    patient: null,
    consultations: [],
    reports: [],
    scans: [],
    predictions: [],
    assignments: [],
  };
  for (const id of patients)
    differences.push(...compareStatistics(id, legacyById.get(id), projectedById.get(id), facts.get(id) ?? none));
  differences.push(...compareTimeline(legacyTimeline, projectedTimeline, otherKinds, states));
  differences.push(...compareAssignments(legacyAssignments, projectedAssignments, states));

  const counts = new Map<Category, number>();
  for (const d of differences) counts.set(d.category, (counts.get(d.category) ?? 0) + 1);
  const byCategory = [...counts].map(([category, count]) => ({
    category,
    explained: isExplained(category),
    text: categories[category].text,
    count,
  }));
  byCategory.sort((a, b) => Number(a.explained) - Number(b.explained) || a.category.localeCompare(b.category));
  const projectedTimelineTotal = projectedTimeline.length + otherKinds.reduce((n, k) => n + k.n, 0);
  return {
    position: head === null ? null : positionToString(head),
    rows: {
      patient_statistics: { legacy: legacyStats.length, projection: projectedStats.length },
      patient_timeline: { legacy: legacyTimeline.length, projection: projectedTimelineTotal },
      doctor_patient_assignments: { legacy: legacyAssignments.length, projection: projectedAssignments.length },
    },
    notImportedYet: states.pending(),
    differences,
    byCategory,
    unexplained: differences.filter((d) => !isExplained(d.category)).length,
  };
}

/** Every difference (or `maxLines` per category), grouped by category, unexplained first, then a summary line. */
export function formatReconcile(report: ReconcileReport, maxLines = 0): string {
  const lines: string[] = [];
  const rows = Object.entries(report.rows).map(
    ([t, n]) => `${t} ${groupedInteger(n.legacy)} legacy / ${groupedInteger(n.projection)} projected`,
  );
  lines.push(`compared at log position ${report.position ?? '-'}: ${rows.join('; ')}`);
  if (report.notImportedYet > 0)
    lines.push(
      `warning: ${groupedInteger(report.notImportedYet)} legacy rows are not in the log yet: run \`caretrack import legacy\` first`,
    );
  for (const c of report.byCategory) {
    lines.push('', `${c.explained ? 'explained' : 'UNEXPLAINED'} · ${c.category} (${c.count}): ${c.text}`);
    const all = report.differences.filter((x) => x.category === c.category);
    const shownLines = maxLines > 0 ? all.slice(0, maxLines) : all;
    for (const d of shownLines)
      lines.push(
        `  ${d.table} ${d.patientId} ${d.column}: legacy ${show(d.legacy)}, projection ${show(d.projection)}${d.note ? ` (${d.note})` : ''}`,
      );
    if (shownLines.length < all.length)
      lines.push(`  … and ${all.length - shownLines.length} more (every one without --summary, or with --json)`);
  }
  const explained = report.differences.length - report.unexplained;
  const explainedCategories = report.byCategory.filter((c) => c.explained).length;
  lines.push(
    '',
    `${report.differences.length} differences: ${explained} explained in ${explainedCategories} categories, ${report.unexplained} unexplained`,
  );
  return `${lines.join('\n')}\n`;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'null' : typeof value === 'string' ? value : JSON.stringify(value);
}

async function rowsOf(db: Kysely<unknown>, table: string, where = sql``): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<{
    row: Record<string, unknown>;
  }>`SELECT to_jsonb(t) AS row FROM ${sql.id(LIVE_SCHEMA, table)} t ${where}`.execute(db);
  return rows.map((r) => r.row);
}

async function projectionsExist(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${`${ENGINE_SCHEMA}.checkpoints`}) IS NOT NULL
      AND to_regclass(${`${LIVE_SCHEMA}.patient_statistics`}) IS NOT NULL AS present`.execute(db);
  return rows[0]?.present === true;
}
