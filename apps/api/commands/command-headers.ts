import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../../libs/domain/shared/errors.js';
import { BadRequest } from '../errors/http-errors.js';

/** The optional headers of a command request, validated. */
export type CommandHeaders = {
  expectedRevision?: bigint;
  ifMatch?: string;
  idempotencyKey?: string;
  correlationId: string;
};

const printable = /^[\x21-\x7e]+$/;

/** Reads If-Match, Idempotency-Key and X-Correlation-Id; 400 naming each bad header. */
export function parseCommandHeaders(headers: Record<string, string | string[] | undefined>): CommandHeaders {
  const errors: FieldError[] = [];
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const ifMatch = one('if-match');
  let expectedRevision: bigint | undefined;
  if (ifMatch !== undefined) {
    const match = /^\s*(?:W\/)?"?(0|[1-9][0-9]{0,18})"?\s*$/.exec(ifMatch);
    if (match) expectedRevision = BigInt(match[1]!);
    else errors.push({ path: 'If-Match', message: 'must be a stream revision: a non-negative integer, e.g. 3 or "3"' });
  }
  const idempotencyKey = one('idempotency-key');
  if (idempotencyKey !== undefined && (idempotencyKey.length > 255 || !printable.test(idempotencyKey))) {
    errors.push({ path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters without spaces' });
  }
  const correlation = one('x-correlation-id');
  if (correlation !== undefined && (correlation.length > 255 || !printable.test(correlation))) {
    errors.push({ path: 'X-Correlation-Id', message: 'must be 1 to 255 printable ASCII characters without spaces' });
  }
  if (errors.length) throw new BadRequest('invalid request headers', errors);
  return { expectedRevision, ifMatch, idempotencyKey, correlationId: correlation ?? randomUUID() };
}
