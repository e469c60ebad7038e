import { ApiClient, ApiError } from './api-client.js';
import type { Output } from './progress-bar.js';
import { listProjections, rebuildProjection, rollbackProjection, verifyProjection } from './projections-commands.js';

/** Exit codes: 0 done, 1 the operation reported a problem, 2 usage, 3 the API refused or is unreachable. */
export const EXIT = { ok: 0, problem: 1, usage: 2, api: 3 } as const;

const usage = `usage: caretrack <command>

  projections list                 status, position, lag and errors of every projection
  projections rebuild <name>       rebuild beside the live tables, verify, swap (progress bar)
  projections verify <name>        compare the table with a replay of the history
  projections rollback <name>      swap the previous tables back

options (or environment):
  --url <url>      CARETRACK_URL        default http://localhost:3000
  --key <key>      CARETRACK_ADMIN_KEY  an admin key
`;

export type CliIo = { out: Output; err: Output; env: Record<string, string | undefined>; fetch?: typeof fetch };

/**
 * Runs one CLI invocation and returns its exit code (main.ts exits with it).
 *
 * @example await runCli(['projections', 'list'], { out: process.stdout, err: process.stderr, env: process.env })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const url = option('--url') ?? io.env['CARETRACK_URL'] ?? 'http://localhost:3000';
  const key = option('--key') ?? io.env['CARETRACK_ADMIN_KEY'];
  const [group, action, name] = args;
  if (group !== 'projections' || !action || (action !== 'list' && !name)) {
    io.err.write(usage);
    return EXIT.usage;
  }
  if (!key) {
    io.err.write('an admin key is required: --key <key> or CARETRACK_ADMIN_KEY\n');
    return EXIT.usage;
  }
  const api = new ApiClient(url, key, io.fetch);
  try {
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
