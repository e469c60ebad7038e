import { ApiClient, ApiError } from './api-client.js';
import type { Output } from './progress-bar.js';
import { auditAsOf, auditStream, auditVerify } from './audit-commands.js';
import { listProjections, rebuildProjection, rollbackProjection, verifyProjection } from './projections-commands.js';
import { runKeysCommand } from './keys-commands.js';
import { importUsage, runImportCli } from './import/import-commands.js';

/** Exit codes: 0 done, 1 the operation reported a problem, 2 usage, 3 the API refused or is unreachable. */
export const EXIT = { ok: 0, problem: 1, usage: 2, api: 3 } as const;

const usage = `usage: caretrack <command>

  projections list                 status, position, lag and errors of every projection
  projections rebuild <name>       rebuild beside the live tables, verify, swap (progress bar)
  projections verify <name>        compare the table with a replay of the history
  projections rollback <name>      swap the previous tables back
  audit stream <streamId>          every event of a stream, with who and when
  audit as-of <patientId> <time>   the patient's statistics, timeline and tracker row at that time
  audit verify                     check every stream's hash chain (exit 1 on tampering)
  keys rotate --new-key-file <path>  re-wrap every data key under a new master key (one transaction)
  keys rotate --generate           the same with a new key made in DATA_DIR/data-key (the generated default)
  keys status                      the master key in use, live data keys, erased patients
  import legacy --from <url> …     import a seed-era database as event history (see below)
  import reconcile --from <url> …  compare its trigger-kept tables with the projections

options (or environment):
  --url <url>      CARETRACK_URL          default http://localhost:3000
  --key <key>      CARETRACK_ADMIN_KEY    an admin key (projections)
                   CARETRACK_AUDITOR_KEY  an auditor key (audit)
keys works on the stores directly, with the service's settings: DATABASE_URL or DATA_DIR, and
the current master key from DATA_KEY, DATA_KEY_FILE or DATA_DIR/data-key.

${importUsage}`;

export type CliIo = { out: Output; err: Output; env: Record<string, string | undefined>; fetch?: typeof fetch };

/**
 * Runs one CLI invocation and returns its exit code (main.ts exits with it).
 *
 * @example await runCli(['projections', 'list'], { out: process.stdout, err: process.stderr, env: process.env })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Asked for: the usage on stdout, exit 0 (a mistake still gets it on stderr with exit 2).
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? io.err : io.out).write(usage);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === 'keys') return runKeysCommand(argv.slice(1), io);
  // `import` works on the stores directly (configured like the API), not through the HTTP API.
  if (argv[0] === 'import') return runImportCli(argv.slice(1), io);
  const args = [...argv];
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const url = option('--url') ?? io.env['CARETRACK_URL'] ?? 'http://localhost:3000';
  const [group, action, name, extra] = args;
  const keyVariable = group === 'audit' ? 'CARETRACK_AUDITOR_KEY' : 'CARETRACK_ADMIN_KEY';
  const key = option('--key') ?? io.env[keyVariable];
  const valid =
    (group === 'projections' &&
      (action === 'list' || (['rebuild', 'verify', 'rollback'].includes(action ?? '') && name))) ||
    (group === 'audit' &&
      (action === 'verify' || (action === 'stream' && name) || (action === 'as-of' && name && extra)));
  if (!valid) {
    io.err.write(usage);
    return EXIT.usage;
  }
  if (!key) {
    io.err.write(`a key is required: --key <key> or ${keyVariable}\n`);
    return EXIT.usage;
  }
  const api = new ApiClient(url, key, io.fetch);
  try {
    if (group === 'audit') {
      if (action === 'stream') return await auditStream(api, name!, io.out);
      if (action === 'as-of') return await auditAsOf(api, name!, extra!, io.out);
      return await auditVerify(api, io.out);
    }
    switch (action) {
      case 'list':
        return await listProjections(api, io.out);
      case 'rebuild':
        return await rebuildProjection(api, name!, io.out);
      case 'verify':
        return await verifyProjection(api, name!, io.out);
      case 'rollback':
        return await rollbackProjection(api, name!, io.out);
      default:
        io.err.write(usage);
        return EXIT.usage;
    }
  } catch (error) {
    if (error instanceof ApiError) {
      io.err.write(`caretrack: ${error.status ? `${error.status} ${error.code}: ` : ''}${error.message}\n`);
      return EXIT.api;
    }
    throw error;
  }
}
