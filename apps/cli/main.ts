import { runCli } from './cli.js';

// The admin and auditor command line: `npx caretrack projections list` (see README).
runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`caretrack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
