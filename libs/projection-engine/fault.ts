/**
 * How an error is recorded in `last_error`, the rebuild's `error` and the logs: without any
 * value of a row or an event (SPEC §9: no plaintext copy in logs or side tables).
 * - A database error (it has a SQLSTATE): its class and SQLSTATE only; its message can quote the
 *   value ("value too long …", a constraint's detail).
 * - An error with a stable `code` of its own (`UndecryptableEventError`: code
 *   `personal_data_undecryptable`, the event id and the reason): code and message, which
 *   hold ids and reasons only.
 * - Anything else (a projection's programming error): class and message.
 *
 * @example describeFault(pgError) // 'DatabaseError (SQLSTATE 22001)'
 */
export function describeFault(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : 'unknown error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SQLSTATE.test(code) && isDatabaseError(error))
    return `${error.name} (SQLSTATE ${code})`;
  if (typeof code === 'string' && code !== '') return `${error.name} (${code}): ${error.message}`;
  return `${error.name}: ${error.message}`;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** pg's DatabaseError and PGlite's errors carry the server's `severity` beside the SQLSTATE. */
function isDatabaseError(error: Error): boolean {
  return 'severity' in error || error.name === 'DatabaseError';
}
