/**
 * The import thread (`runImportOnThread`): runs `caretrack import …` with the command line's
 * arguments and environment. Its output goes to the main thread as messages, in order, the exit
 * code last, so nothing written is lost when the process exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runImportCli } from './import-commands.js';
import type { ImportThreadData, ImportThreadMessage } from './import-thread.js';

const port = parentPort!;
const data = workerData as ImportThreadData;
const send = (message: ImportThreadMessage) => port.postMessage(message);
const code = await runImportCli(data.argv, {
  out: { write: (text: string) => send({ out: text }) },
  err: { write: (text: string) => send({ err: text }), isTTY: data.stderrIsTTY },
  env: data.env,
}).catch((error: unknown) => {
  send({ err: `caretrack: ${error instanceof Error ? error.message : String(error)}\n` });
  return 1;
});
send({ code });
