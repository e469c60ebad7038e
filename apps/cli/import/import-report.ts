import type { LegacyTableName } from './legacy-schema.js';
import type { RowOutcome } from './decide-row.js';
import { groupedInteger } from '../progress-bar.js';

/** A legacy row the import did not take, and why. */
export type RejectedRow = {
  table: LegacyTableName;
  key: Readonly<Record<string, string>>;
  reason: string;
  code: string;
};

/** Per legacy table: how many rows it has and what became of them. */
export type TableTally = {
  table: LegacyTableName;
  rows: number;
  imported: number;
  alreadyThere: number;
  rejected: number;
};

/** The outcome of one import run (also `--json`). */
export type ImportReport = {
  runId: string;
  dryRun: boolean;
  tables: TableTally[];
  rejected: RejectedRow[];
  /** events appended by this run (would be, with --dry-run) */
  events: number;
  /** appendToStream calls this run made (one per stream per wave) */
  appends: number;
  /** waves this run appended (what a multi-stream append would send in one call each) */
  waves: number;
  seconds: number;
  rowsPerSecond: number;
};

/** Counts outcomes as they come. */
export class ImportTally {
  private readonly byTable = new Map<LegacyTableName, TableTally>();
  readonly rejected: RejectedRow[] = [];
  events = 0;
  processed = 0;

  /** @param rows the legacy tables in import order with their row counts */
  constructor(rows: readonly { table: LegacyTableName; rows: number }[]) {
    for (const { table, rows: n } of rows)
      this.byTable.set(table, { table, rows: n, imported: 0, alreadyThere: 0, rejected: 0 });
  }

  add(outcome: RowOutcome): void {
    this.processed++;
    this.events += outcome.events.length;
    this.count(outcome);
    if (outcome.companion) this.count(outcome.companion);
  }

  private count(o: {
    table: LegacyTableName;
    key: Readonly<Record<string, string>>;
    status: RowOutcome['status'];
    reason?: string;
    code?: string;
  }): void {
    const tally = this.byTable.get(o.table);
    if (!tally) throw new Error(`no tally for ${o.table}`);
    if (o.status === 'imported') tally.imported++;
    else if (o.status === 'already') tally.alreadyThere++;
    else {
      tally.rejected++;
      this.rejected.push({ table: o.table, key: o.key, reason: o.reason ?? '', code: o.code ?? '' });
    }
  }

  report(runId: string, dryRun: boolean, seconds: number): Omit<ImportReport, 'appends' | 'waves'> {
    return {
      runId,
      dryRun,
      tables: [...this.byTable.values()],
      rejected: this.rejected,
      events: this.events,
      seconds,
      rowsPerSecond: seconds > 0 ? this.processed / seconds : 0,
    };
  }
}

/** `key=value` of a row's key, for messages. */
export function keyText(key: Readonly<Record<string, string>>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The summary table and every rejected row, as the CLI prints them. */
export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  const head = `${'table'.padEnd(28)}${'rows'.padStart(9)}${'imported'.padStart(10)}${'already there'.padStart(15)}${'rejected'.padStart(10)}`;
  lines.push(head, '-'.repeat(head.length));
  for (const t of report.tables)
    lines.push(
      `${t.table.padEnd(28)}${fmt(t.rows).padStart(9)}${fmt(t.imported).padStart(10)}${fmt(t.alreadyThere).padStart(15)}${fmt(t.rejected).padStart(10)}`,
    );
  const verb = report.dryRun ? 'would append' : 'appended';
  const calls = report.dryRun ? '' : ` (${fmt(report.appends)} appends in ${fmt(report.waves)} waves)`;
  lines.push(
    '',
    `${verb} ${fmt(report.events)} events${calls} in ${report.seconds.toFixed(1)} s (${fmt(Math.round(report.rowsPerSecond))} rows/s), run ${report.runId}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  if (report.rejected.length) {
    lines.push('', `rejected rows (${fmt(report.rejected.length)}), not imported:`);
    for (const r of report.rejected) lines.push(`  ${r.table} ${keyText(r.key)}: ${r.reason} [${r.code}]`);
  }
  return `${lines.join('\n')}\n`;
}

const fmt = groupedInteger;
