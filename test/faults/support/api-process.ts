import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../../../', import.meta.url).pathname;

/** The API as a real child process (`node dist/apps/api/main.js`, built beforehand). */
export type ApiProcess = {
  child: ChildProcess;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** every JSON log line it wrote, parsed */
  logs: Record<string, unknown>[];
  /** resolves with the exit code (or signal) when it ends */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  alive(): boolean;
};

/** Parses the JSON log lines of `stream` into `logs`; calls `onLine` for each. */
export function collectLogs(
  stream: NodeJS.ReadableStream,
  logs: Record<string, unknown>[],
  onLine: (line: Record<string, unknown>) => void = () => undefined,
): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        onLine(parsed);
      } catch {
        // not a log line (npm's banner, the key notice)
      }
    }
  });
}

/**
 * Starts `node dist/apps/api/main.js` with `env` (plus PORT=0, HOST=127.0.0.1, a fresh DATA_DIR)
 * and resolves once it logs "caretrack listening" with its port.
 */
export async function startApi(
  env: Record<string, string>,
  command: { file: string; args: string[] } = { file: process.execPath, args: ['dist/apps/api/main.js'] },
): Promise<ApiProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-faults-api-'));
  const child = spawn(command.file, command.args, {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      void rm(dataDir, { recursive: true, force: true });
      resolve({ code, signal, at: Date.now() });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const fail = (error: Error) => {
      if (!ended) child.kill('SIGKILL'); // never leave a half-started process behind
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `the API did not log "caretrack listening" within 120 s (LOG_LEVEL must be info or lower); stderr: ${stderr.slice(-2000)}`,
          ),
        ),
      120_000,
    );
    collectLogs(child.stdout!, logs, (line) => {
      if (line['msg'] === 'caretrack listening') {
        clearTimeout(timer);
        resolve(Number(line['port']));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`the API exited (${code ?? signal}) before listening; stderr: ${stderr.slice(-2000)}`));
    });
  });
  return { child, pid: child.pid!, url: `http://127.0.0.1:${port}`, logs, exited, alive: () => !ended };
}
