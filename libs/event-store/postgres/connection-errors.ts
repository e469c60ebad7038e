import { EventStoreUnavailable } from '../errors.js';

const connectionCodes = /^(08|57P0[1-3]|53300)/;
const connectionMessages =
  /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i;

/** True when the error says the database could not be reached, not that the query was wrong. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && connectionCodes.test(code)) || connectionMessages.test(error.message);
}

/** Runs `work`, turning connection failures into `EventStoreUnavailable`. */
export async function translateConnectionErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error)) throw new EventStoreUnavailable('event store unreachable', { cause: error });
    throw error;
  }
}
