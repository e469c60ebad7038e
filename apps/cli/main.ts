import { importThreadEntry, runImportOnThread } from './import/import-thread.js';

// The admin and auditor command line: `npx caretrack projections list` (see README).
const argv = process.argv.slice(2);
const io = { out: process.stdout, err: process.stderr, env: process.env };
// `caretrack import …` runs on a thread with a young generation sized for it (import-thread.ts);
// the rest of the command line is loaded only when another command runs.
const importThread = argv[0] === 'import' ? importThreadEntry() : null;
const running = importThread
  ? runImportOnThread(importThread, argv.slice(1), io)
  : import('./cli.js').then(({ runCli }) => runCli(argv, io));
running.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`caretrack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
