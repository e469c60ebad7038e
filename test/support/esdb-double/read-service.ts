import { status as GrpcStatus, type handleServerStreamingCall } from '@grpc/grpc-js';
import { eventResponse, invalidArgument, rpcError, streamDeletedError, streamIdentifier, streamName } from './codec.js';
import { readFilter } from './filter.js';
import type { EventLog } from './log.js';
import { ReadReq, ReadResp, type ReadReqMessage, type ReadRespMessage } from './proto.js';
import type { DoubleStats } from './stats.js';
import { subscribeToAll, type SubscriptionQuirks } from './subscription.js';
import { send, type ReadCall } from './transport.js';

const Options = ReadReq.Options;
const StreamCase = Options.StreamOptionCase;
const CountCase = Options.CountOptionCase;
const RevisionCase = Options.StreamOptions.RevisionOptionCase;
const AllCase = Options.AllOptions.AllOptionCase;

/**
 * `Streams/Read`: stream reads both ways, $all reads both ways (with or without a filter),
 * and catch-up-then-live $all subscriptions. Stream subscriptions are not served.
 */
export function readHandler(
  log: EventLog,
  stats: DoubleStats,
  quirks: SubscriptionQuirks,
): handleServerStreamingCall<ReadReqMessage, ReadRespMessage> {
  return (call) => {
    serve(log, call, stats, quirks).then(
      () => call.end(),
      (error: Error) => call.emit('error', error),
    );
  };
}

async function serve(log: EventLog, call: ReadCall, stats: DoubleStats, quirks: SubscriptionQuirks): Promise<void> {
  const options = call.request.getOptions();
  if (!options) throw invalidArgument('read options are missing');
  if (!options.hasUuidOption()) throw invalidArgument('uuid option is missing');
  const structuredIds = options.getUuidOption()!.getContentCase() === Options.UUIDOption.ContentCase.STRUCTURED;
  const subscription = options.getCountOptionCase() === CountCase.SUBSCRIPTION;
  if (options.getCountOptionCase() === CountCase.COUNT_OPTION_NOT_SET) throw invalidArgument('count option is missing');

  switch (options.getStreamOptionCase()) {
    case StreamCase.STREAM:
      if (subscription)
        throw rpcError(GrpcStatus.UNIMPLEMENTED, 'the ESDB test double does not serve stream subscriptions');
      stats.streamReads++;
      return readStream(log, call, options, structuredIds);
    case StreamCase.ALL: {
      const filtered = options.getFilterOptionCase() === Options.FilterOptionCase.FILTER ? 'filtered' : 'unfiltered';
      (subscription ? stats.allSubscriptions : stats.allReads)[filtered]++;
      if (subscription) return subscribeToAll(log, call, options, structuredIds, quirks);
      return readAll(log, call, options, structuredIds);
    }
    default:
      throw invalidArgument('stream option is missing');
  }
}

async function readStream(
  log: EventLog,
  call: ReadCall,
  options: ReadReqMessage.Options,
  structuredIds: boolean,
): Promise<void> {
  const streamOptions = options.getStream()!;
  const name = streamName(streamOptions.getStreamIdentifier());
  if (log.isTombstoned(name)) throw streamDeletedError(name);
  // A soft-deleted stream reads as not found; revisions stay those of the whole stream.
  const visible = log.visible(name);
  const records = log.stream(name);
  if (visible.length === 0) {
    await send(
      call,
      new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name))),
    );
    return;
  }
  const first = records.length - visible.length;
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const last = records.length - 1;
  const revision = (() => {
    switch (streamOptions.getRevisionOptionCase()) {
      case RevisionCase.START:
        return first;
      case RevisionCase.END:
        return backwards ? last : records.length;
      case RevisionCase.REVISION:
        return Math.min(Number(BigInt(streamOptions.getRevision())), backwards ? last : records.length);
      default:
        throw invalidArgument('stream revision option is missing');
    }
  })();
  let remaining = BigInt(options.getCount());
  const start = backwards ? revision : Math.max(first, revision);
  for (let i = start; remaining > 0n && i >= first && i < records.length; i += backwards ? -1 : 1, remaining--) {
    if (!(await send(call, eventResponse(records[i]!, structuredIds)))) return;
  }
}

/**
 * $all reads. Forwards from a position is inclusive of the event at that position, backwards
 * is exclusive (ESDB's catch-up code skips the first event of a forward page read "from the
 * checkpoint's position"; backward pages restart from the previous page's last position).
 */
async function readAll(
  log: EventLog,
  call: ReadCall,
  options: ReadReqMessage.Options,
  structuredIds: boolean,
): Promise<void> {
  const all = options.getAll()!;
  const filter = readFilter(options);
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const records = log.records;
  let index: number;
  switch (all.getAllOptionCase()) {
    case AllCase.START:
      index = backwards ? -1 : 0;
      break;
    case AllCase.END:
      index = backwards ? records.length - 1 : records.length;
      break;
    case AllCase.POSITION: {
      const commit = BigInt(all.getPosition()!.getCommitPosition());
      index = backwards ? log.indexFrom(commit, true) - 1 : log.indexFrom(commit, true);
      break;
    }
    default:
      throw invalidArgument('$all position option is missing');
  }
  let remaining = BigInt(options.getCount());
  for (; remaining > 0n && index >= 0 && index < records.length; index += backwards ? -1 : 1) {
    const record = records[index]!;
    if (!filter.matches(record)) continue;
    if (!(await send(call, eventResponse(record, structuredIds)))) return;
    remaining--;
  }
}
