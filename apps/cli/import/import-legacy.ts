import { setImmediate } from 'node:timers/promises';
import type { EventStore } from '../../../libs/event-store/index.js';
import { prepareImported, type ImportedAppend } from './append-imported.js';
import { decideRow, type RowOutcome } from './decide-row.js';
import { ImportTally, type ImportReport } from './import-report.js';
import type { LegacyMap } from './legacy-map.js';
import type { LegacySource, SourceRead } from './legacy-source.js';
import { LogView } from './log-view.js';
import { assignmentsImporter, doctorsImporter, patientsImporter } from './rows/people.js';
import { consultationsImporter, predictionsImporter, reportsImporter, scansImporter } from './rows/care.js';
import { KPI, sessionsImporter, symptomLogsImporter } from './rows/activity.js';
import type { TableImporter } from './rows/row-plan.js';
import type { LegacyRow } from './rows/row-values.js';
import { SerialSealer, type SealingKeys } from './seal-imported.js';

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

/** Rows decided between two turns of the event loop (about a millisecond of work). */
const YIELD_ROWS = 64;

/**
 * Legacy rows per fetch. A chunk, its plans and the chunk read ahead stay alive until the chunk
 * is decided, so every young-generation collection meanwhile copies them: 500 rather than 2,000
 * took a 100,000-row dry run's scavenges from 485–499 to 405 ms and its peak RSS down 20–50 MiB
 * (alternating runs); the read-ahead still hides the extra round trips.
 */
const CHUNK_ROWS = 500;

/** Where the import stands, for a progress line. */
export type ImportProgress = {
  table: string;
  processed: number;
  total: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
};

export type ImportLegacyOptions = {
  source: LegacySource;
  map: LegacyMap;
  /** the log; with `dryRun` nothing is appended to it */
  store: EventStore | null;
  dryRun: boolean;
  /**
   * the data keys that encrypt personal fields before they are appended (SPEC §9); required
   * unless `dryRun`, which encrypts nothing (without keys it sees erasures only in the log)
   */
  keys: SealingKeys | null;
  runId: string;
  isKnownSymptom: (symptomId: string) => boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** every outcome, in import order (reconcile uses them) */
  onOutcome?: (outcome: RowOutcome) => void;
  /**
   * most events in one wave, one `appendToStreams` call (default 1,000: the PostgreSQL store's
   * group-commit cap, `DEFAULT_GROUP_COMMIT.maxEvents`; a larger call would go alone anyway)
   */
  waveEvents?: number;
  /**
   * true when the store applies the appends of one `appendToStreams` call in the order given
   * (PostgreSQL); otherwise (EventStoreDB) a wave holds at most one stream per patient
   */
  appendsKeepOrder?: boolean;
  /** legacy rows read per round trip (default `CHUNK_ROWS`) */
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
  const tables = importers.flatMap((i) => (i.joined ? [i.table, i.joined.table] : [i.table]));
  const rows = await source.counts(tables);
  const counts = tables.map((table, i) => ({ table, rows: rows[i]! }));
  const tally = new ImportTally(counts);
  const total = importers.reduce((n, i) => n + counts.find((c) => c.table === i.table)!.rows, 0);

  // Nothing to read back from an empty log (the usual first run): every stream starts empty.
  const store = options.store;
  const head = store ? await store.headPosition() : null;
  const view = new LogView(head === null ? null : store);
  const keys = options.keys;
  if (!options.dryRun && store && !keys)
    throw new Error('importLegacy: appending needs the data keys (personal fields are stored encrypted)');
  const waves =
    options.dryRun || !store || !keys
      ? null
      : new WaveAppender(store, keys, options.waveEvents ?? 1000, options.appendsKeepOrder ?? false);
  // Patients whose data key is destroyed (the log may not say so yet: ErasePatient destroys the key first).
  const erasedKeys = new Set<string>();
  const isErased = (patientId: string) => erasedKeys.has(patientId) || view.isErased(patientId);
  const context = { view, map, runId: options.runId, isKnownSymptom: options.isKnownSymptom, isErased };

  let lastProgress = 0;
  const progress = (table: string, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastProgress < 500)) return;
    lastProgress = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? tally.processed / seconds : 0;
    options.onProgress({
      table,
      processed: tally.processed,
      total,
      rowsPerSecond: rate,
      etaSeconds: rate > 0 ? (total - tally.processed) / rate : null,
    });
  };

  try {
    for await (const { importer, chunk } of readAhead(legacyChunks(source, options.chunkRows ?? CHUNK_ROWS))) {
      const plans = chunk.map((row) => importer.plan(row, map));
      const streams = plans.flatMap((p) => p.streams);
      await view.load(streams);
      if (keys) await noteErasures(keys, streams, erasedKeys);
      for (let i = 0; i < chunk.length; i++) {
        // Deciding is synchronous CPU work: without a turn of the event loop now and then, the
        // append that a flush started is not even sent (its connection comes in a later tick)
        // nor its answer read until the whole chunk is decided, and the log waits for nothing.
        if (i % YIELD_ROWS === YIELD_ROWS - 1) await setImmediate();
        const outcome = decideRow(importer, chunk[i]!, plans[i]!, context);
        tally.add(outcome);
        options.onOutcome?.(outcome);
        if (outcome.status === 'imported' && waves) {
          // a promise only when the row closed a wave (one in ~600 rows), not one per row
          const flushing = waves.add(outcome);
          if (flushing) await flushing;
        }
      }
      progress(importer.table);
    }
    await waves?.finish();
  } finally {
    await waves?.abandon();
  }
  progress('done', true);
  return {
    ...tally.report(options.runId, options.dryRun, (performance.now() - started) / 1000),
    appends: waves?.appends ?? 0,
    waves: waves?.waves ?? 0,
  };
}

/** Adds to `erased` the patients among `streams`' (`patient-…`) whose data key was destroyed. */
async function noteErasures(keys: SealingKeys, streams: readonly string[], erased: Set<string>): Promise<void> {
  const patients = new Set<string>();
  for (const stream of streams) if (stream.startsWith('patient-')) patients.add(stream.slice('patient-'.length));
  if (patients.size === 0) return;
  for (const [patient, state] of await keys.keysForRead([...patients]))
    if (state.state === 'erased') erased.add(patient);
}

/**
 * Every table's rows in import order, `chunkRows` at a time, with the table's importer: one
 * sequence over all tables. While one table is read, the next one's first chunk is already
 * asked for (`LegacySource` reads consecutive tables on two connections of its snapshot), so
 * its sort runs in the legacy database meanwhile, not while the import waits for it: 60–115 ms
 * per large table.
 */
async function* legacyChunks(
  source: LegacySource,
  chunkRows: number,
): AsyncGenerator<{ importer: TableImporter; chunk: LegacyRow[] }> {
  const reads = sourceReads();
  const start = (i: number) => {
    const rows = source.rows(reads[i]!, chunkRows);
    const first = rows.next();
    first.catch(() => undefined); // awaited when its table's turn comes, or on the way out
    return { rows, first };
  };
  let next = reads.length > 0 ? start(0) : null;
  try {
    for (let i = 0; next !== null; i++) {
      const { rows, first } = next;
      // On one connection the next table's first FETCH would wait behind this table's: no head start.
      next = i + 1 < reads.length && source.concurrentReads ? start(i + 1) : null;
      const importer = importers.find((imp) => imp.table === reads[i]!.table)!;
      try {
        for (let chunk = await first; !chunk.done; chunk = await rows.next()) yield { importer, chunk: chunk.value };
      } finally {
        await rows.return(undefined);
      }
      if (next === null && i + 1 < reads.length) next = start(i + 1);
    }
  } finally {
    if (next !== null) {
      await next.first.catch(() => undefined);
      await next.rows.return(undefined);
    }
  }
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
 * Gathers planned appends into waves, each one `appendToStreams` call, and seals and appends a
 * wave while the next is planned; waves land strictly one after another. A wave holds the appends
 * in the plan's order (consecutive rows of one stream are one append) and at most `maxEvents` events.
 * Where the store keeps a call's order (PostgreSQL: one statement, appends in order) the log is
 * the plan's order, so a rerun after a kill continues the very log a single run writes. Where it
 * does not (EventStoreDB appends different streams side by side), a wave also holds at most one
 * stream per patient: the order may then change only between patients (a patient's statistics,
 * timeline and care team depend on the order of that patient's events across streams).
 */
class WaveAppender {
  private wave: ImportedAppend[] = [];
  private owners = new Map<string, string>();
  private events = 0;
  private inflight: Promise<void> | null = null;
  /** the wave sent before the last one */
  private landed: Promise<void> | null = null;
  /** stream appends sent so far */
  appends = 0;
  /** waves sent so far (one `appendToStreams` call each) */
  waves = 0;

  private readonly sealer: SerialSealer;

  constructor(
    private readonly store: EventStore,
    keys: SealingKeys,
    private readonly maxEvents: number,
    private readonly keepsOrder: boolean,
  ) {
    this.sealer = new SerialSealer(keys);
  }

  /**
   * Adds the row's events to the wave; when they do not fit, sends the wave first and returns
   * the promise to wait for before planning on (see `flush`), else null.
   */
  add(outcome: RowOutcome): Promise<void> | null {
    const owner = this.keepsOrder ? undefined : this.owners.get(outcome.entity);
    const full = this.events > 0 && this.events + outcome.events.length > this.maxEvents;
    if ((owner !== undefined && owner !== outcome.streamId) || full) {
      const flushing = this.flush();
      this.place(outcome);
      return flushing;
    }
    this.place(outcome);
    return null;
  }

  private place(outcome: RowOutcome): void {
    const last = this.wave[this.wave.length - 1];
    if (last?.streamId === outcome.streamId) last.events.push(...outcome.events);
    else
      this.wave.push({
        streamId: outcome.streamId,
        expectedRevision: outcome.expectedRevision,
        events: [...outcome.events],
      });
    if (!this.keepsOrder) this.owners.set(outcome.entity, outcome.streamId);
    this.events += outcome.events.length;
  }

  /**
   * Starts sealing this wave once the previous wave is sealed (its keys, AES-GCM) and appends it as soon as the wave in
   * flight has landed: one wave appending, the next sealed and waiting, the one after planned
   * meanwhile. A wave whose predecessor failed is never appended.
   */
  private async flush(): Promise<void> {
    if (this.wave.length === 0) return;
    const wave = this.wave;
    this.wave = [];
    this.owners = new Map();
    this.events = 0;
    this.appends += wave.length;
    this.waves++;
    const previous = this.inflight;
    // one wave's sealing at a time (SerialSealer: concurrent key inserts can deadlock)
    const sealing = this.sealer.seal(wave);
    sealing.catch(() => undefined); // awaited below
    const appending = (async () => {
      // Sealed and encoded for the log while the previous wave commits; sent once it has landed.
      const commit = prepareImported(this.store, await sealing);
      await previous;
      await commit();
    })();
    appending.catch(() => undefined); // awaited by a later flush or finish
    this.inflight = appending;
    // Planning may run two waves ahead of the log: the planner waits for the wave before the
    // previous one, so the log always has the next wave ready when one lands, even when a
    // wave's planning took longer than its append (the machine's load comes and goes).
    const before = this.landed;
    this.landed = previous;
    await before;
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.inflight;
    this.inflight = null;
    this.landed = null;
  }

  /** After a failure: lets an append still in flight settle before the stores close. */
  async abandon(): Promise<void> {
    await this.inflight?.catch(() => undefined);
  }
}
