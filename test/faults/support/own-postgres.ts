import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL server of a test's own, which it may stop and restart (never the shared one). */
export type OwnPostgres = {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: every backend is ended, as in a failover or an operator's restart */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast` */
  restart(): Promise<void>;
  /** stops it (if running) and removes its directory */
  destroy(): Promise<void>;
};

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql'))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/**
 * initdb + pg_ctl into a fresh temporary directory, on a free port of 127.0.0.1 (socket in the
 * same directory). initdb refuses to run as root, so as root every command runs as the
 * `postgres` user (`runuser`), which then owns the directory (STACK.md item 10).
 *
 * @example
 * const pg = await startOwnPostgres();
 * await pg.restart();
 * await pg.destroy();
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), 'caretrack-faults-pg-'));
  const asRoot = process.getuid?.() === 0;
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', `${bin}/${tool}`, ...args]]
      : [`${bin}/${tool}`, args];
    return run(file, argv, { timeout: 60_000 });
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const ctl = (...args: string[]) =>
    exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
  await ctl('start');
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      await ctl('-m', 'fast', 'stop');
      running = false;
    },
    start: async () => {
      await ctl('start');
      running = true;
    },
    restart: async () => {
      await ctl('-m', 'fast', 'restart');
      running = true;
    },
    destroy: async () => {
      if (running) await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
