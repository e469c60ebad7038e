import { Server, ServerCredentials } from '@grpc/grpc-js';
import { appendHandler, batchAppendHandler, type AppendLimits } from './append-service.js';
import { deleteHandler, tombstoneHandler } from './delete-service.js';
import { supportedMethodsHandler } from './features-service.js';
import type { EventLog } from './log.js';
import { ServerFeaturesService, StreamsService } from './proto.js';
import { readHandler } from './read-service.js';
import type { DoubleStats } from './stats.js';
import type { SubscriptionQuirks } from './subscription.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The double's gRPC endpoint on 127.0.0.1. The log lives outside it, so `restart()` drops
 * every call and connection (the client sees its calls cancelled and reconnects, as after a
 * node restart) and comes back on the same port with the same events.
 */
export class DoubleServer {
  private server: Server | null = null;
  private port = 0;

  constructor(
    private readonly log: EventLog,
    private readonly stats: DoubleStats,
    private readonly batchAppend: boolean,
    private readonly limits: AppendLimits = { maxAppendSize: null },
    private readonly quirks: SubscriptionQuirks = { kdb744: false },
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new Server();
    server.addService(StreamsService, {
      read: readHandler(this.log, this.stats, this.quirks),
      append: appendHandler(this.log, this.stats, this.limits),
      batchAppend: batchAppendHandler(this.log, this.stats, this.limits),
      delete: deleteHandler(this.log),
      tombstone: tombstoneHandler(this.log),
    });
    server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethodsHandler(this.batchAppend) });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.address, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.server = server;
  }

  /** Kills every call and connection, then listens again on the same port. */
  async restart(): Promise<void> {
    this.server?.forceShutdown();
    this.server = null;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.start();
      } catch (error) {
        if (attempt >= 50) throw error;
        await sleep(20);
      }
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.forceShutdown();
  }
}
