import { startEsdbDouble } from './index.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** Which EventStoreDB the ESDB adapter's tests run against. */
export type EsdbBackend = {
  /** printed in the test names */
  label: string;
  connectionString: string;
  /** drops the client's connections; absent for a cluster, which cannot be proxied */
  dropConnections?: () => Promise<void>;
  stop(): Promise<void>;
};

const ESDB_IMAGE = 'eventstore/eventstore:24.10';

/**
 * `EVENTSTORE_URL` when set; else an EventStoreDB container through testcontainers; else,
 * when there is no container runtime (it fails in milliseconds), the in-process gRPC test
 * double. A single-node server is reached through a TCP proxy so its connections can be dropped.
 */
export async function startEsdbBackend(): Promise<EsdbBackend> {
  const external = process.env['EVENTSTORE_URL'];
  if (external) return externalBackend(external);
  const container = await startContainer().catch((error: unknown) => {
    process.stdout.write(
      `EventStoreDB container unavailable (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); using the gRPC test double\n`,
    );
    return null;
  });
  if (container) return container;
  const double = await startEsdbDouble();
  return {
    label: 'EventStoreDB gRPC test double (in-process, @eventstore/db-client 6.2.1 definitions)',
    connectionString: double.url,
    dropConnections: () => double.dropConnections(),
    stop: () => double.stop(),
  };
}

async function externalBackend(url: string): Promise<EsdbBackend> {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || parsed.protocol !== 'esdb:') {
    // Gossip and DNS discovery hand the client the nodes' own addresses: no proxy can sit between.
    return { label: `EventStoreDB cluster (EVENTSTORE_URL)`, connectionString: url, stop: async () => undefined };
  }
  const proxy = await startTcpProxy({ host: parsed.hostname, port: Number(parsed.port || 2113) });
  const proxied = new URL(url);
  proxied.host = `127.0.0.1:${proxy.port}`;
  // Through the proxy the certificate names the server, not 127.0.0.1: keep the chain check, skip the name.
  if (proxied.searchParams.get('tls') !== 'false') proxied.searchParams.set('tlsVerifyCert', 'false');
  return withProxy(
    `EventStoreDB at ${parsed.host} (EVENTSTORE_URL, via a local TCP proxy)`,
    proxied.toString(),
    proxy,
    async () => undefined,
  );
}

async function startContainer(): Promise<EsdbBackend> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  await withTimeout(getContainerRuntimeClient(), 15_000, 'container runtime detection');
  const container = await withTimeout(
    new GenericContainer(ESDB_IMAGE)
      .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start(),
    180_000,
    'EventStoreDB container start',
  );
  const proxy = await startTcpProxy({ host: container.getHost(), port: container.getMappedPort(2113) });
  return withProxy(
    `EventStoreDB ${ESDB_IMAGE} (testcontainers)`,
    `esdb://127.0.0.1:${proxy.port}?tls=false`,
    proxy,
    async () => {
      await container.stop();
    },
  );
}

function withProxy(
  label: string,
  connectionString: string,
  proxy: TcpProxy,
  stopTarget: () => Promise<void>,
): EsdbBackend {
  return {
    label,
    connectionString,
    dropConnections: () => proxy.dropConnections(),
    stop: async () => {
      await proxy.stop();
      await stopTarget();
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
