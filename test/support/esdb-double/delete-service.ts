import type { handleUnaryCall } from '@grpc/grpc-js';
import { invalidArgument, streamDeletedError, streamName } from './codec.js';
import type { EventLog } from './log.js';
import {
  DeleteReq,
  DeleteResp,
  Empty,
  TombstoneReq,
  TombstoneResp,
  type DeleteReqMessage,
  type DeleteRespMessage,
  type TombstoneReqMessage,
  type TombstoneRespMessage,
} from './proto.js';

type Options = DeleteReqMessage.Options | TombstoneReqMessage.Options;

/** The expected-revision check of a delete: only `any` and an exact revision are served. */
function checkExpectation(
  log: EventLog,
  stream: string,
  options: Options,
  revisionCase: number,
  expectedCase: number,
): void {
  if (expectedCase !== revisionCase) return; // any, no_stream, stream_exists: not checked (tests send any)
  const current = BigInt(log.stream(stream).length - 1);
  if (BigInt(options.getRevision()) !== current)
    throw invalidArgument(`expected revision ${options.getRevision()}, stream is at ${current}`);
}

/**
 * `Streams/Delete` (soft delete: `$tb` metadata; the stream may be written again and its
 * revisions continue) and `Streams/Tombstone` (hard delete: the stream is gone for good).
 * Both answer without a position.
 */
export function deleteHandler(log: EventLog): handleUnaryCall<DeleteReqMessage, DeleteRespMessage> {
  return (call, callback) => {
    try {
      const options = call.request.getOptions();
      if (!options) throw invalidArgument('delete options are missing');
      const stream = streamName(options.getStreamIdentifier());
      if (log.isTombstoned(stream)) throw streamDeletedError(stream);
      checkExpectation(
        log,
        stream,
        options,
        DeleteReq.Options.ExpectedStreamRevisionCase.REVISION,
        options.getExpectedStreamRevisionCase(),
      );
      log.softDelete(stream);
      callback(null, new DeleteResp().setNoPosition(new Empty()));
    } catch (error) {
      callback(error as Error);
    }
  };
}

export function tombstoneHandler(log: EventLog): handleUnaryCall<TombstoneReqMessage, TombstoneRespMessage> {
  return (call, callback) => {
    try {
      const options = call.request.getOptions();
      if (!options) throw invalidArgument('tombstone options are missing');
      const stream = streamName(options.getStreamIdentifier());
      if (log.isTombstoned(stream)) throw streamDeletedError(stream);
      checkExpectation(
        log,
        stream,
        options,
        TombstoneReq.Options.ExpectedStreamRevisionCase.REVISION,
        options.getExpectedStreamRevisionCase(),
      );
      log.tombstone(stream);
      callback(null, new TombstoneResp().setNoPosition(new Empty()));
    } catch (error) {
      callback(error as Error);
    }
  };
}
