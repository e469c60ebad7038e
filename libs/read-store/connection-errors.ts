// SQLSTATE classes that mean "the server is gone or refusing", not "the query was wrong":
// 08 connection exception, 57P01–57P03 admin shutdown / crash shutdown / cannot connect now,
// 53300 too many connections.
const connectionCodes = /^(08|57P0[1-3]|53300)/;
const connectionMessages =
  /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|PGlite is closed|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * True when `error` (or an error it wraps as `cause`) says the database could not be reached or
 * dropped the connection, rather than that the statement was wrong: the HTTP edge answers such
 * failures with 503 and the projection runner retries them instead of faulting a projection.
 *
 * @example
 * try { await query(); } catch (error) { if (isConnectionError(error)) return retryLater(); throw error; }
 */
export function isConnectionError(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors come from Node's own realm, which differs
  // from the code's under a VM-based test runner.
  for (
    let e: unknown = error, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && connectionCodes.test(code)) return true;
    if (typeof message === 'string' && connectionMessages.test(message)) return true;
  }
  return false;
}
