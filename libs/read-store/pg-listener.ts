import pg from 'pg';

type Logger = { warn(obj: object, msg: string): void };

/**
 * One dedicated pg connection for LISTEN, shared by every channel of a process. When it
 * drops it reconnects with backoff and wakes every listener, since notifications sent
 * meanwhile are lost.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private readonly callbacks = new Map<string, Set<() => void>>();
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly logger?: Logger,
  ) {}

  /** Starts listening on `channel`; resolves to the function that stops. */
  async listen(channel: string, onWake: () => void): Promise<() => Promise<void>> {
    let set = this.callbacks.get(channel);
    const fresh = !set;
    if (!set) this.callbacks.set(channel, (set = new Set()));
    set.add(onWake);
    await this.ensureConnected();
    if (fresh && this.client) await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return async () => {
      set.delete(onWake);
    };
  }

  /** The backend pid of the listening connection (tests drop it to prove recovery). */
  get backendPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | null)?.processID;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private ensureConnected(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const client = new pg.Client({ connectionString: this.connectionString });
      let dead = false;
      const gone = () => {
        dead = true;
        this.lost(client);
      };
      client.on('error', gone);
      client.on('end', gone);
      client.on('notification', (msg) => this.callbacks.get(msg.channel)?.forEach((wake) => wake()));
      try {
        await client.connect();
        for (const channel of this.callbacks.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (this.closed) {
          await client.end().catch(() => undefined);
          return;
        }
        // Lost between its LISTENs and now: its events were ignored (not yet ours); try again.
        if (dead) throw new Error('listen connection lost while it was being set up');
        this.client = client;
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        this.logger?.warn({ err: String(error), attempt }, 'listen connection failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.logger?.warn({}, 'listen connection lost; reconnecting');
    void this.ensureConnected().then(() => {
      for (const set of this.callbacks.values()) set.forEach((wake) => wake());
    });
  }
}
