import type { EventStore } from '../../../libs/event-store/index.js';
import { appendImported, type ImportedAppend } from './append-imported.js';
import { decideRow, type RowOutcome } from './decide-row.js';
import { ImportTally, type ImportReport } from './import-report.js';
import type { LegacyMap } from './legacy-map.js';
import type { LegacySource, SourceRead } from './legacy-source.js';
import { LogView } from './log-view.js';
import { assignmentsImporter, doctorsImporter, patientsImporter } from './rows/people.js';
import { consultationsImporter, predictionsImporter, reportsImporter, scansImporter } from './rows/care.js';
import { KPI, sessionsImporter, symptomLogsImporter } from './rows/activity.js';
import type { TableImporter } from './rows/row-plan.js';

/**
 * The legacy tables in import order: who a row refers to is always imported before it
 * (doctors and patients, then assignments, consultations, scans before their predictions, …).
 */
export const importers: readonly TableImporter[] = [
  doctorsImporter,
  patientsImporter,
  assignmentsImporter,
  consultationsImporter,
  scansImporter,
  predictionsImporter,
  reportsImporter,
  sessionsImporter,
  symptomLogsImporter,
];

/** How the legacy tables are read: each importer's columns, a session with its KPI row. */
export function sourceReads(): SourceRead[] {
  return importers.map((i) => ({ table: i.table, read: i.read, joined: i.joined && { ...i.joined, prefix: KPI } }));
}

/** Where the import stands, for a progress line. */
export type ImportProgress = { table: string; processed: number; total: number; rowsPerSecond: number; etaSeconds: number | null };

export type ImportLegacyOptions = {
  source: LegacySource;
  map: LegacyMap;
  /** the log; with `dryRun` nothing is appended to it */
  store: EventStore | null;
  dryRun: boolean;
  runId: string;
  isKnownSymptom: (symptomId: string) => boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** every outcome, in import order (reconcile uses them) */
  onOutcome?: (outcome: RowOutcome) => void;
  /** most streams appended together (default 32) */
  waveStreams?: number;
  /**
   * appends in flight within a wave (default 1: the log serializes appends on one lock, and on
   * the 2-core machine of bench/README.md more in flight only added contention)
   */
  appendConcurrency?: number;
  /** legacy rows read per round trip (default 2,000) */
  chunkRows?: number;
};

/**
 * Imports the legacy tables as event history (SPEC §11): reads them in one snapshot, decides
 * every row through the domain, and appends what the log does not hold yet. Safe to run again
 * and to kill at any moment: a run appends only the events whose ids are missing.
 */
export async function importLegacy(options: ImportLegacyOptions): Promise<ImportReport> {
  const { source, map } = options;
  const started = performance.now();
  await source.check(sourceReads());
  const counts: { table: TableImporter['table']; rows: number }[] = [];
  for (const i of importers) {
    counts.push({ table: i.table, rows: await source.count(i.table) });
    if (i.joined) counts.push({ table: i.joined.table, rows: await source.count(i.joined.table) });
  }
  const tally = new ImportTally(counts);
  const total = importers.reduce((n, i) => n + counts.find((c) => c.table === i.table)!.rows, 0);

  // Nothing to read back from an empty log (the usual first run): every stream starts empty.
  const store = options.store;
  const head = store ? await store.headPosition() : null;
  const view = new LogView(head === null ? null : store);
  const waves = options.dryRun || !store ? null : new WaveAppender(store, options.waveStreams ?? 32, options.appendConcurrency ?? 1);
  const context = { view, map, runId: options.runId, isKnownSymptom: options.isKnownSymptom };

  let lastProgress = 0;
  const progress = (table: string, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastProgress < 500)) return;
    lastProgress = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? tally.processed / seconds : 0;
    options.onProgress({ table, processed: tally.processed, total, rowsPerSecond: rate, etaSeconds: rate > 0 ? (total - tally.processed) / rate : null });
  };

  try {
    for (const read of sourceReads()) {
      const importer = importers.find((i) => i.table === read.table)!;
      for await (const chunk of readAhead(source.rows(read, options.chunkRows ?? 2000))) {
        const plans = chunk.map((row) => importer.plan(row, map));
        await view.load(plans.flatMap((p) => p.streams));
        for (const [i, row] of chunk.entries()) {
          const outcome = decideRow(importer, row, plans[i]!, context);
          tally.add(outcome);
          options.onOutcome?.(outcome);
          if (outcome.status === 'imported') await waves?.add(outcome);
        }
        progress(importer.table);
      }
    }
    await waves?.finish();
  } finally {
    await waves?.abandon();
  }
  progress('done', true);
  return { ...tally.report(options.runId, options.dryRun, (performance.now() - started) / 1000), appends: waves?.appends ?? 0, waves: waves?.waves ?? 0 };
}

/** The next chunk is fetched while this one is decided (the legacy connection is otherwise idle). */
async function* readAhead<T>(chunks: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = chunks.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = chunks.next();
      yield current.value;
    }
  } finally {
    await next.catch(() => undefined);
    await chunks.return(undefined);
  }
}

/**
 * Gathers planned appends into waves and appends a wave while the next is planned; waves land
 * strictly one after another. A wave holds at most one stream per patient, and a stream takes
 * only consecutive rows: appended one at a time (the default) the log is the plan's order, and
 * appended concurrently the order changes only between patients (a patient's statistics,
 * timeline and care team depend on the order of that patient's events across streams).
 */
class WaveAppender {
  private wave = new Map<string, ImportedAppend>();
  private owners = new Map<string, string>();
  private last: string | null = null;
  private events = 0;
  private inflight: Promise<void> | null = null;
  /** appendToStream calls made so far */
  appends = 0;
  /** waves appended so far (each would be one call of a multi-stream append) */
  waves = 0;

  constructor(
    private readonly store: EventStore,
    private readonly maxStreams: number,
    private readonly concurrency: number,
  ) {}

  async add(outcome: RowOutcome): Promise<void> {
    const owner = this.owners.get(outcome.entity);
    const inWave = this.wave.has(outcome.streamId);
    // Only the stream added last takes more events: the wave's appends, in order, are the
    // plan's order, so a rerun after a kill continues the very log a single run writes.
    const outOfOrder = inWave && this.last !== outcome.streamId;
    const full = (!inWave && this.wave.size >= this.maxStreams) || this.events >= 5000;
    if ((owner !== undefined && owner !== outcome.streamId) || outOfOrder || full) await this.flush();
    let entry = this.wave.get(outcome.streamId);
    if (!entry) this.wave.set(outcome.streamId, (entry = { streamId: outcome.streamId, expectedRevision: outcome.expectedRevision, events: [] }));
    entry.events.push(...outcome.events);
    this.owners.set(outcome.entity, outcome.streamId);
    this.last = outcome.streamId;
    this.events += outcome.events.length;
  }

  /** Waits for the wave in flight, then starts this one without waiting for it. */
  private async flush(): Promise<void> {
    if (this.wave.size === 0) return;
    const batch = [...this.wave.values()];
    this.wave = new Map();
    this.owners = new Map();
    this.last = null;
    this.events = 0;
    await this.inflight;
    this.appends += batch.length;
    this.waves++;
    const appending = appendImported(this.store, batch, this.concurrency);
    appending.catch(() => undefined); // awaited by the next flush or finish
    this.inflight = appending;
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.inflight;
    this.inflight = null;
  }

  /** After a failure: lets an append still in flight settle before the stores close. */
  async abandon(): Promise<void> {
    await this.inflight?.catch(() => undefined);
  }
}
