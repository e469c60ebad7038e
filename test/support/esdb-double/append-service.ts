import { status as GrpcStatus, type handleBidiStreamingCall, type handleClientStreamingCall } from '@grpc/grpc-js';
import {
  invalidArgument,
  maxAppendSizeError,
  rpcError,
  streamDeletedError,
  streamIdentifier,
  streamName,
  uuidToString,
} from './codec.js';
import type { AppendOutcome, EventLog, Expectation, ProposedEvent } from './log.js';
import {
  AppendReq,
  AppendResp,
  Any,
  BatchAppendReq,
  BatchAppendResp,
  Code,
  Empty,
  GoogleEmpty,
  Status,
  WrongExpectedVersion,
  AllStreamPosition,
  BadRequest,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  type AppendReqMessage,
  type AppendRespMessage,
  type BatchAppendReqMessage,
  type BatchAppendRespMessage,
} from './proto.js';
import type { DoubleStats } from './stats.js';

type Proposed = AppendReqMessage.ProposedMessage | BatchAppendReqMessage.ProposedMessage;

/** Reads a proposed message; ESDB requires the `type` and `content-type` metadata. */
function proposedEvent(message: Proposed): ProposedEvent {
  const metadata = message.getMetadataMap();
  for (const key of ['type', 'content-type']) {
    if (!metadata.has(key)) {
      throw rpcError(
        GrpcStatus.INVALID_ARGUMENT,
        `required metadata property ${key} is missing`,
        'missing-required-metadata-property',
        {
          'required-metadata-properties': key,
        },
      );
    }
  }
  return {
    eventId: uuidToString(message.getId()),
    type: metadata.get('type')!,
    contentType: metadata.get('content-type')!,
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** What a node refuses to append: `maxAppendSize` bytes of event data and metadata per append (null: no limit). */
export type AppendLimits = { maxAppendSize: number | null };

/** Bytes an append carries, as the node counts them against its maximum append size (approximately). */
function appendSize(events: readonly ProposedEvent[]): number {
  return events.reduce((sum, e) => sum + e.data.length + e.metadata.length + Buffer.byteLength(e.type), 0);
}

const AppendCase = AppendReq.Options.ExpectedStreamRevisionCase;

function appendExpectation(options: AppendReqMessage.Options): Expectation {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendCase.ANY:
      return 'any';
    case AppendCase.NO_STREAM:
      return 'no_stream';
    case AppendCase.STREAM_EXISTS:
      return 'stream_exists';
    case AppendCase.REVISION:
      return BigInt(options.getRevision());
    default:
      throw invalidArgument('expected stream revision is missing');
  }
}

/**
 * `Streams/Append` (client streaming: options, then one message per event), answered as
 * Streams.Append.cs does: success with the revision and position, or a
 * `WrongExpectedVersion` result (not a gRPC error) carrying both the current and the 20.6.0
 * fields.
 */
export function appendHandler(
  log: EventLog,
  stats: DoubleStats,
  limits: AppendLimits,
): handleClientStreamingCall<AppendReqMessage, AppendRespMessage> {
  return (call, callback) => {
    stats.append++;
    let options: AppendReqMessage.Options | undefined;
    const events: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (request: AppendReqMessage) => {
      if (failed) return;
      try {
        if (request.hasOptions()) options = request.getOptions();
        else if (options && request.hasProposedMessage()) events.push(proposedEvent(request.getProposedMessage()!));
        else throw invalidArgument('append must start with its options');
      } catch (error) {
        failed = true;
        callback(error as Error);
      }
    });
    call.on('end', () => {
      if (failed) return;
      try {
        if (!options) throw invalidArgument('append options are missing');
        const expected = appendExpectation(options);
        if (limits.maxAppendSize !== null && appendSize(events) > limits.maxAppendSize)
          throw maxAppendSizeError(limits.maxAppendSize);
        const stream = streamName(options.getStreamIdentifier());
        const outcome = log.append(stream, expected, events);
        if (outcome.kind === 'stream_deleted') throw streamDeletedError(stream);
        callback(null, appendResponse(outcome, expected));
      } catch (error) {
        callback(error as Error);
      }
    });
  };
}

/** The revision and position a success reports: an idempotent replay has no position, as in ESDB. */
function successOf(outcome: Extract<AppendOutcome, { kind: 'written' | 'idempotent' }>) {
  return outcome.kind === 'written'
    ? { revision: outcome.lastRevision, position: outcome.lastPosition }
    : { revision: outcome.lastRevision, position: null };
}

function appendResponse(
  outcome: Exclude<AppendOutcome, { kind: 'stream_deleted' }>,
  expected: Expectation,
): AppendRespMessage {
  const response = new AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (expected === 'any') wrong.setExpectedAny(new Empty()).setAny2060(new Empty());
    else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty()).setStreamExists2060(new Empty());
    // ESDB also sets expected_revision_20_6_0 = ulong.MaxValue here; a JS number cannot carry it.
    else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
    else wrong.setExpectedRevision(expected.toString(10)).setExpectedRevision2060(Number(expected));
    if (outcome.current === null) wrong.setCurrentNoStream(new Empty()).setNoStream2060(new Empty());
    else wrong.setCurrentRevision(outcome.current.toString(10)).setCurrentRevision2060(Number(outcome.current));
    return response.setWrongExpectedVersion(wrong);
  }
  const { revision, position } = successOf(outcome);
  const success = new AppendResp.Success();
  if (revision === null) success.setNoStream(new Empty());
  else success.setCurrentRevision(revision.toString(10));
  if (position === null) success.setNoPosition(new Empty());
  else
    success.setPosition(
      new AppendResp.Position().setCommitPosition(String(position)).setPreparePosition(String(position)),
    );
  return response.setSuccess(success);
}

const BatchCase = BatchAppendReq.Options.ExpectedStreamPositionCase;

function batchExpectation(options: BatchAppendReqMessage.Options): Expectation {
  switch (options.getExpectedStreamPositionCase()) {
    case BatchCase.ANY:
      return 'any';
    case BatchCase.NO_STREAM:
      return 'no_stream';
    case BatchCase.STREAM_EXISTS:
      return 'stream_exists';
    case BatchCase.STREAM_POSITION:
      return BigInt(options.getStreamPosition());
    default:
      throw invalidArgument('expected stream position is missing');
  }
}

type PendingWrite = { stream: string; expected: Expectation; events: ProposedEvent[] };

/**
 * `Streams/BatchAppend` (bidirectional: one long-lived call carries many appends, each
 * identified by a correlation id and split over messages until `is_final`), answered as
 * Streams.BatchAppend.cs does: per append, a success or a `google.rpc.Status` whose details
 * pack an `event_store.client.WrongExpectedVersion`.
 */
export function batchAppendHandler(
  log: EventLog,
  stats: DoubleStats,
  limits: AppendLimits,
): handleBidiStreamingCall<BatchAppendReqMessage, BatchAppendRespMessage> {
  return (call) => {
    const pending = new Map<string, PendingWrite>();
    call.on('data', (request: BatchAppendReqMessage) => {
      const correlation = request.getCorrelationId();
      const key = correlation?.getString() ?? '';
      let stream = '';
      try {
        const options = request.getOptions();
        if (options)
          pending.set(key, {
            stream: streamName(options.getStreamIdentifier()),
            expected: batchExpectation(options),
            events: [],
          });
        const write = pending.get(key);
        if (!write) return;
        stream = write.stream;
        write.events.push(...request.getProposedMessagesList().map(proposedEvent));
        if (!request.getIsFinal()) return;
        pending.delete(key);
        stats.batchAppend++;
        const response =
          limits.maxAppendSize !== null && appendSize(write.events) > limits.maxAppendSize
            ? new BatchAppendResp().setError(maxAppendSizeStatus(limits.maxAppendSize))
            : batchResponse(write.stream, log.append(write.stream, write.expected, write.events), write.expected);
        call.write(response.setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(write.stream)));
      } catch (error) {
        pending.delete(key);
        const failure = new BatchAppendResp().setError(
          badRequest(error instanceof Error ? error.message : String(error)),
        );
        call.write(failure.setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(stream)));
      }
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };
}

function batchResponse(stream: string, outcome: AppendOutcome, expected: Expectation): BatchAppendRespMessage {
  if (outcome.kind === 'stream_deleted') {
    const any = new Any();
    any.pack(
      new StreamDeleted().setStreamIdentifier(streamIdentifier(stream)).serializeBinary(),
      'event_store.client.StreamDeleted',
    );
    return new BatchAppendResp().setError(
      new Status().setCode(Code.FAILED_PRECONDITION).setMessage(`Event stream '${stream}' is deleted.`).setDetails(any),
    );
  }
  if (outcome.kind === 'wrong_expected_version') {
    const details = new WrongExpectedVersion();
    if (outcome.current === null) details.setCurrentNoStream(new GoogleEmpty());
    else details.setCurrentStreamRevision(outcome.current.toString(10));
    if (expected === 'any') details.setExpectedAny(new GoogleEmpty());
    else if (expected === 'stream_exists') details.setExpectedStreamExists(new GoogleEmpty());
    else if (expected === 'no_stream') details.setExpectedNoStream(new GoogleEmpty());
    else details.setExpectedStreamPosition(expected.toString(10));
    const any = new Any();
    any.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
    const error = new Status().setCode(Code.FAILED_PRECONDITION).setMessage('Wrong expected version.').setDetails(any);
    return new BatchAppendResp().setError(error);
  }
  const { revision, position } = successOf(outcome);
  const success = new BatchAppendResp.Success();
  if (revision === null) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(revision.toString(10));
  if (position === null) success.setNoPosition(new GoogleEmpty());
  else
    success.setPosition(
      new AllStreamPosition().setCommitPosition(String(position)).setPreparePosition(String(position)),
    );
  return new BatchAppendResp().setSuccess(success);
}

function badRequest(message: string) {
  const any = new Any();
  any.pack(new BadRequest().setMessage(message).serializeBinary(), 'event_store.client.BadRequest');
  return new Status().setCode(Code.INVALID_ARGUMENT).setMessage(message).setDetails(any);
}

function maxAppendSizeStatus(maxAppendSize: number) {
  const any = new Any();
  any.pack(
    new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize).serializeBinary(),
    'event_store.client.MaximumAppendSizeExceeded',
  );
  return new Status()
    .setCode(Code.INVALID_ARGUMENT)
    .setMessage(`Maximum Append Size of ${maxAppendSize} Exceeded.`)
    .setDetails(any);
}
