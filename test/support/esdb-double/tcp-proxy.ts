import { createServer, connect, type Socket } from 'node:net';

export type TcpProxy = {
  /** local port forwarding to the target */
  port: number;
  /** Destroys every proxied connection (both ends): a network failure as the client sees it. */
  dropConnections(): Promise<void>;
  /**
   * `true`: drops every connection and closes each new one at once (an outage of the target as
   * its clients see it) until called with `false`.
   */
  setDown(down: boolean): void;
  stop(): Promise<void>;
};

/**
 * A TCP forwarder on 127.0.0.1 in front of a real EventStoreDB (or PostgreSQL), so a test can
 * drop the client's connections to a server it does not control, or make it unreachable a while.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    port: address.port,
    async dropConnections() {
      if (sockets.size === 0) throw new Error('no connection to drop');
      for (const socket of sockets) socket.destroy();
    },
    setDown(value: boolean) {
      down = value;
      if (down) for (const socket of sockets) socket.destroy();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
