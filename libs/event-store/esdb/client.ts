import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BACKWARDS,
  EventStoreDBClient,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type ChannelCredentialOptions,
  type Direction,
  type ReadPosition,
  type StreamingRead,
} from '@eventstore/db-client';
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString.js';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';

const { ReadReq } = streamsPb;

/** A filtered, bounded $all read: what `Client.readAll` of 6.2.1 cannot send. */
export type FilteredRead = {
  direction: Direction;
  fromPosition: ReadPosition;
  maxCount: number;
  /** server-side regex on the event type */
  eventTypeRegex: string;
  /** events the server scans per page before answering; default 1000 */
  maxSearchWindow?: number;
  /** ms; default none, as the client's own reads */
  deadline?: number;
};

/**
 * `EventStoreDBClient` plus server-side filtered $all reads. The 6.2.1 client filters only
 * subscriptions (its `readAll` always sends `no_filter`), while the server's `Streams/Read`
 * also serves filtered counted reads of $all both ways (Streams.Read.cs:
 * `ReadAllForwardsFiltered`, `ReadAllBackwardsFiltered`). This sends that request, with
 * `FilterOptions`, through the client's own channel and reconnection handling (its protected
 * `GRPCStreamCreator` and `callArguments`).
 */
export class EsdbClient extends EventStoreDBClient {
  /**
   * As `EventStoreDBClient.connectionString` (same parser, same options), but builds this
   * class; also honours `tlsVerifyCert=false`, and always throws on a failed append.
   */
  static fromConnectionString(connectionString: string): EsdbClient {
    const options = parseConnectionString(connectionString);
    const credentials: ChannelCredentialOptions = { insecure: options.tls === false };
    const file = (path: string) => readFileSync(resolve(process.cwd(), path));
    if (options.tlsCAFile && !credentials.insecure) credentials.rootCertificate = file(options.tlsCAFile);
    // `tlsVerifyCert=false` keeps the chain check and skips the host name (e.g. through a proxy).
    if (options.tlsVerifyCert === false) credentials.verifyOptions = { checkServerIdentity: () => undefined };
    if (options.userCertFile || options.userKeyFile) {
      if (!options.userCertFile || !options.userKeyFile)
        throw new Error('userCertFile must be given with accompanying userKeyFile');
      credentials.userCertFile = file(options.userCertFile);
      credentials.userKeyFile = file(options.userKeyFile);
    }
    const client = {
      // The adapter relies on wrong-expected-version errors being thrown; the string cannot turn that off.
      throwOnAppendFailure: true,
      keepAliveInterval: options.keepAliveInterval,
      keepAliveTimeout: options.keepAliveTimeout,
      defaultDeadline: options.defaultDeadline,
      connectionName: options.connectionName,
    };
    const discovery = {
      nodePreference: options.nodePreference,
      discoveryInterval: options.discoveryInterval,
      gossipTimeout: options.gossipTimeout,
      maxDiscoverAttempts: options.maxDiscoverAttempts,
    };
    const [first] = options.hosts;
    if (!first) throw new Error('EventStoreDB connection string names no host');
    if (options.dnsDiscover)
      return new EsdbClient({ discover: first, ...discovery, ...client }, credentials, options.defaultCredentials);
    if (options.hosts.length > 1) {
      return new EsdbClient(
        { endpoints: options.hosts, ...discovery, ...client },
        credentials,
        options.defaultCredentials,
      );
    }
    return new EsdbClient({ endpoint: first, ...client }, credentials, options.defaultCredentials);
  }

  /** Reads up to `maxCount` events of $all whose type matches the regex; the server does the filtering. */
  async readAllFiltered(read: FilteredRead): Promise<AllStreamResolvedEvent[]> {
    const request = filteredReadRequest(read);
    const [metadata, callOptions] = this.callArguments(
      { deadline: read.deadline },
      read.deadline ? undefined : { deadline: Infinity },
    );
    const open = this.GRPCStreamCreator(streamsGrpc.StreamsClient, 'readAllFiltered', (client) =>
      client.read(request, metadata, callOptions),
    );
    const stream = await open();
    const responses: ReadResp[] = [];
    try {
      for await (const response of stream as AsyncIterable<ReadResp>) responses.push(response);
    } catch (error) {
      stream.cancel();
      throw error instanceof Error ? convertToCommandError(error) : error;
    }
    return responses.flatMap((response) => {
      const event = response.getEvent();
      return event ? [convertGrpcEvent<AllStreamResolvedEvent>(event)] : [];
    });
  }
}

/**
 * Reads one of the client's streamed reads to its end. Leaving one early (a `return` or a
 * throw inside `for await`) destroys the wrapper but leaves its gRPC call unread and open,
 * and `client.dispose()` then waits for it forever.
 */
export async function readToEnd<T>(read: StreamingRead<T>): Promise<T[]> {
  const items: T[] = [];
  try {
    for await (const item of read as AsyncIterable<T>) items.push(item);
  } catch (error) {
    await read.cancel().catch(() => undefined);
    throw error;
  }
  return items;
}

function filteredReadRequest(read: FilteredRead) {
  const all = new ReadReq.Options.AllOptions();
  if (read.fromPosition === 'start') all.setStart(new sharedPb.Empty());
  else if (read.fromPosition === 'end') all.setEnd(new sharedPb.Empty());
  else {
    const { commit, prepare } = read.fromPosition;
    all.setPosition(
      new ReadReq.Options.Position().setCommitPosition(commit.toString(10)).setPreparePosition(prepare.toString(10)),
    );
  }
  const filter = new ReadReq.Options.FilterOptions()
    .setEventType(new ReadReq.Options.FilterOptions.Expression().setRegex(read.eventTypeRegex))
    .setMax(read.maxSearchWindow ?? 1000)
    .setCheckpointintervalmultiplier(1);
  const options = new ReadReq.Options()
    .setAll(all)
    .setReadDirection(
      read.direction === BACKWARDS ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS,
    )
    .setResolveLinks(false)
    .setCount(String(read.maxCount))
    .setUuidOption(new ReadReq.Options.UUIDOption().setString(new sharedPb.Empty()))
    .setFilter(filter);
  return new ReadReq().setOptions(options);
}
