import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendTooLarge,
  EventStoreError,
  EventStoreUnavailable,
  StreamDeleted,
  StreamNotFound,
  WrongExpectedVersion,
} from '../errors.js';
import type { ExpectedRevision } from '../event-store.js';

/** The store returned an event without the $all position the port needs (see docs/esdb-test-double.md). */
export class PositionUnavailable extends EventStoreError {
  readonly code = 'position_unavailable';
  constructor(
    readonly stream: string,
    readonly revision: bigint,
  ) {
    super(`EventStoreDB reported no $all position for ${stream}@${revision}`);
    this.name = 'PositionUnavailable';
  }
}

/** gRPC status codes (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED) that mean "not reached", not "refused". */
const connectionCodes = new Set([14, 4, 1]);
const connectionMessages =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|No connection established|Connection dropped|Failed to discover|failed to connect/i;

/** True when the error says EventStoreDB could not be reached (or dropped the call), not that the request was wrong. */
export function isConnectionError(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'number' && connectionCodes.has(code)) || connectionMessages.test(error.message);
}

/**
 * Runs `work`, turning the client's errors into the port's: connection failures become
 * `EventStoreUnavailable`, a missing stream `StreamNotFound`, a tombstoned one `StreamDeleted`,
 * an append over the server's maximum size `AppendTooLarge`, a failed expectation
 * `WrongExpectedVersion` (with the revision the caller expected and the one the server has).
 */
export async function translateErrors<T>(
  work: () => Promise<T>,
  context: { stream?: string; expected?: ExpectedRevision } = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateError(error, context);
  }
}

export function translateError(
  error: unknown,
  context: { stream?: string; expected?: ExpectedRevision } = {},
): unknown {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const stream = context.stream ?? error.streamName;
    return new WrongExpectedVersion(stream, context.expected ?? error.expectedVersion, error.actualVersion);
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFound(context.stream ?? error.streamName);
  if (error instanceof StreamDeletedError) return new StreamDeleted(context.stream ?? error.streamName, 'tombstoned');
  if (error instanceof MaxAppendSizeExceededError)
    return new AppendTooLarge(context.stream ?? '', Number.isFinite(error.maxAppendSize) ? error.maxAppendSize : null);
  if (isConnectionError(error)) return new EventStoreUnavailable('EventStoreDB unreachable', { cause: error });
  return error;
}
