import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { EventStoreUnavailable } from '../../../libs/event-store/index.js';
import { MasterKeyConfigError, PatientErasedError, WrongMasterKeyError } from '../../../libs/personal-data/index.js';
import { ConfigError, loadConfig } from '../../api/config/app-config.js';
import { loadTrackerRules } from '../../api/bootstrap/tracker-rules.js';
import { groupedInteger, progressWriter, type Output } from '../progress-bar.js';
import { ImportConflict } from './append-imported.js';
import { importLegacy, type ImportProgress } from './import-legacy.js';
import { formatReport } from './import-report.js';
import { defaultLegacyMap, LegacyMapError, parseLegacyMap, type LegacyMap } from './legacy-map.js';
import { LegacySchemaError, LegacySource } from './legacy-source.js';
import { openCliStores } from './open-stores.js';

/** Exit codes of `caretrack import …` (as the rest of the CLI). */
export const IMPORT_EXIT = { ok: 0, problem: 1, usage: 2, unavailable: 3 } as const;

export const importUsage = `usage: caretrack import <command>

  import legacy --from <postgres-url> [--schema s] [--map file.yaml] [--dry-run] [--json]
      turn a seed-era database's rows into event history (SPEC §11); safe to run again
  import reconcile --from <postgres-url> [--schema s] [--map file.yaml] [--wait seconds] [--summary] [--json]
      compare its trigger-kept tables with the projections' rows, every difference by patient
      and column in explained categories (--summary: 10 lines per category)

  The stores come from the environment, as for the API: DATABASE_URL, EVENTSTORE_URL, DATA_DIR,
  TRIAGE_MAP_PATH; the master key of personal data from DATA_KEY, DATA_KEY_FILE or DATA_DIR
  (personal fields are stored encrypted, as the API stores them). Exit: 0 done, 1 rows rejected / unexplained differences, 2 usage or a map
  that does not fit, 3 a store unreachable, or (import) stopped: run it again to resume.
`;

export type ImportIo = { out: Output; err: Output; env: Record<string, string | undefined> };

type Parsed = {
  action: 'legacy' | 'reconcile';
  from: string;
  schema: string;
  mapFile?: string;
  dryRun: boolean;
  json: boolean;
  summary: boolean;
  waitSeconds: number;
};

function parse(argv: readonly string[]): Parsed | string {
  const [action, ...rest] = argv;
  if (action !== 'legacy' && action !== 'reconcile') return 'unknown import command';
  const parsed: Parsed = {
    action,
    from: '',
    schema: 'public',
    dryRun: false,
    json: false,
    summary: false,
    waitSeconds: 30,
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      if (flag === '--from') parsed.from = value();
      else if (flag === '--schema') parsed.schema = value();
      else if (flag === '--map') parsed.mapFile = value();
      else if (flag === '--json') parsed.json = true;
      else if (flag === '--dry-run' && action === 'legacy') parsed.dryRun = true;
      else if (flag === '--summary' && action === 'reconcile') parsed.summary = true;
      else if (flag === '--wait' && action === 'reconcile') {
        parsed.waitSeconds = Number(value());
        if (!Number.isFinite(parsed.waitSeconds) || parsed.waitSeconds < 0) return '--wait needs a number of seconds';
      } else return `unknown option ${flag}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (!/^postgres(ql)?:\/\//.test(parsed.from)) return '--from <postgres-url> is required (postgres://…)';
  return parsed;
}

/**
 * `caretrack import legacy|reconcile …`: works on the stores directly, configured like the API.
 *
 * @example await runImportCli(['legacy', '--from', 'postgres://…/legacy'], { out: process.stdout, err: process.stderr, env: process.env })
 */
export async function runImportCli(argv: readonly string[], io: ImportIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out.write(importUsage);
    return IMPORT_EXIT.ok;
  }
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    io.err.write(`${parsed}\n\n${importUsage}`);
    return IMPORT_EXIT.usage;
  }
  let config;
  let map: LegacyMap;
  try {
    config = loadConfig(io.env);
    map = parsed.mapFile ? parseLegacyMap(await readFile(parsed.mapFile, 'utf8'), parsed.mapFile) : defaultLegacyMap;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof LegacyMapError || isFileError(error)) {
      io.err.write(`caretrack: ${(error as Error).message}\n`);
      return IMPORT_EXIT.usage;
    }
    throw error;
  }
  const rules = await loadTrackerRules(config);
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  let source: LegacySource | undefined;
  let stores;
  try {
    source = await LegacySource.open(parsed.from, parsed.schema, map);
    stores = await openCliStores(config, logger, {
      readOnly: parsed.dryRun || parsed.action === 'reconcile',
      bulkAppends: true,
      readTables: parsed.action === 'reconcile',
      personalData: parsed.action === 'legacy' && !parsed.dryRun,
    });
    if (parsed.action === 'reconcile') {
      // Loaded only for reconcile: the projections it compares with are not the import's to load.
      const { reconcileLegacy } = await import('./reconcile/reconcile-command.js');
      return await reconcileLegacy({
        source,
        map,
        stores,
        rules,
        waitSeconds: parsed.waitSeconds,
        json: parsed.json,
        maxLines: parsed.summary ? 10 : 0,
        out: io.out,
        err: io.err,
      });
    }
    const bar = progressWriter(io.err);
    // On a terminal the line is redrawn in place; in a log, one line every 10 s is enough.
    let lastLine = 0;
    const report = await importLegacy({
      source,
      map,
      store: stores.store,
      appendsKeepOrder: stores.appendsKeepOrder,
      keys: stores.keys,
      dryRun: parsed.dryRun,
      runId: randomUUID(),
      isKnownSymptom: rules.isKnownSymptom,
      onProgress: (p) => {
        if (!io.err.isTTY && p.table !== 'done' && Date.now() - lastLine < 10_000) return;
        lastLine = Date.now();
        bar.update(progressLine(p));
      },
    });
    bar.done();
    await stores.flush();
    io.out.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.rejected.length > 0 ? IMPORT_EXIT.problem : IMPORT_EXIT.ok;
  } catch (error) {
    if (error instanceof LegacySchemaError) {
      io.err.write(`caretrack: ${error.message}\n`);
      return IMPORT_EXIT.usage;
    }
    if (error instanceof MasterKeyConfigError || error instanceof WrongMasterKeyError) {
      io.err.write(
        `caretrack: ${error.message}\nthe import stores personal fields encrypted with the service's master key: set DATA_KEY or DATA_KEY_FILE (or DATA_DIR) as the service has them\n`,
      );
      return IMPORT_EXIT.usage;
    }
    if (
      error instanceof ImportConflict ||
      error instanceof PatientErasedError ||
      error instanceof EventStoreUnavailable ||
      isConnectionError(error)
    ) {
      const resume =
        parsed.action === 'legacy' && !parsed.dryRun ? 'nothing is lost: run the import again to resume\n' : '';
      io.err.write(`caretrack: ${(error as Error).message}\n${resume}`);
      return IMPORT_EXIT.unavailable;
    }
    throw error;
  } finally {
    await source?.close().catch(() => undefined);
    await stores?.close().catch(() => undefined);
  }
}

function progressLine(p: ImportProgress): string {
  const width = 30;
  const ratio = p.total > 0 ? Math.min(1, p.processed / p.total) : 1;
  const filled = Math.round(ratio * width);
  const eta = p.etaSeconds === null ? '–' : `${Math.ceil(p.etaSeconds)}s`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${groupedInteger(p.processed)}/${groupedInteger(p.total)} rows  ${groupedInteger(p.rowsPerSecond)} rows/s  ETA ${eta}  ${p.table}`;
}

function isFileError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'EISDIR')
  );
}

/** A connection to the legacy database that failed or dropped (pg's own errors). */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', '57P01', '3D000', '28P01', '28000'].includes(code) ||
    /Connection terminated/.test(error.message)
  );
}
