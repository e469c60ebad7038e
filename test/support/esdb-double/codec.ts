import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { LogRecord } from './log.js';
import {
  ReadResp,
  StreamIdentifier,
  UUID,
  type ReadRespMessage,
  type StreamIdentifierMessage,
  type UUIDMessage,
} from './proto.js';

/** Reads a `UUID` message in either of its forms (string, or the two 64-bit halves). */
export function uuidToString(uuid: UUIDMessage | undefined): string {
  if (!uuid) throw invalidArgument('event id is missing');
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
      .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return uuid.getString().toLowerCase();
}

/** A `UUID` message in the form the read request asked for. */
export function uuidMessage(id: string, structured: boolean): UUIDMessage {
  const uuid = new UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const half = (text: string) => BigInt.asIntN(64, BigInt(`0x${text}`)).toString(10);
  const parts = new UUID.Structured()
    .setMostSignificantBits(half(hex.slice(0, 16)))
    .setLeastSignificantBits(half(hex.slice(16)));
  return uuid.setStructured(parts);
}

export function streamName(identifier: StreamIdentifierMessage | undefined): string {
  if (!identifier) throw invalidArgument('stream identifier is missing');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifierMessage {
  return new StreamIdentifier().setStreamName(new Uint8Array(Buffer.from(name, 'utf8')));
}

/**
 * A `ReadResp` carrying one event. The record is self-committed, so ESDB reports its log
 * position as both commit and prepare position, on stream reads and $all reads alike.
 */
export function eventResponse(record: LogRecord, structuredIds: boolean): ReadRespMessage {
  const position = record.logPosition.toString(10);
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(record.eventId, structuredIds))
    .setStreamIdentifier(streamIdentifier(record.streamId))
    .setStreamRevision(record.revision.toString(10))
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setData(record.data)
    .setCustomMetadata(record.metadata);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    .set('content-type', record.contentType)
    .set('created', record.created.toString(10));
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(position));
}

/** A gRPC error as ESDB's `RpcExceptions` raise them: a status code plus an `exception` trailer. */
export function rpcError(
  code: GrpcStatus,
  details: string,
  exception?: string,
  extra: Record<string, string> = {},
): ServiceError {
  const metadata = new Metadata();
  if (exception) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function invalidArgument(details: string): ServiceError {
  return rpcError(GrpcStatus.INVALID_ARGUMENT, details, 'invalid-argument');
}

/** RpcExceptions.StreamDeleted: the stream was tombstoned. */
export function streamDeletedError(stream: string): ServiceError {
  return rpcError(GrpcStatus.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, 'stream-deleted', {
    'stream-name': stream,
  });
}

/** RpcExceptions.MaxAppendSizeExceeded: one append carried more bytes than the node accepts. */
export function maxAppendSizeError(maxAppendSize: number): ServiceError {
  return rpcError(
    GrpcStatus.INVALID_ARGUMENT,
    `Maximum Append Size of ${maxAppendSize} Exceeded.`,
    'maximum-append-size-exceeded',
    { 'maximum-append-size': String(maxAppendSize) },
  );
}
