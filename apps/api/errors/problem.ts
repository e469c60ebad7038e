import { HttpException } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../../libs/domain/shared/errors.js';
import {
  AppendTooLarge,
  EventStoreUnavailable,
  StreamDeleted,
  StreamNotFound,
  WrongExpectedVersion,
} from '../../../libs/event-store/index.js';
import {
  KeyStoreCorruptError,
  MasterKeyRotatedError,
  PatientErasedError,
  UndecryptableEventError,
} from '../../../libs/personal-data/errors.js';
import { ProjectionEngineError } from '../../../libs/projection-engine/errors.js';
import { isConnectionError } from '../../../libs/read-store/connection-errors.js';
import { ConcurrencyExhausted } from '../commands/concurrency-exhausted.js';
import { HttpProblem } from './http-errors.js';

/** RFC 9457 problem details, as every error response carries them. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function problem(status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  return {
    type: `https://caretrack.dev/problems/${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}

/** Fastify's own client errors, by code, so their messages never leak internals. */
const fastifyErrors: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'the request body exceeds 256 KB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'send the body as application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'the body is empty; send a JSON object'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'the body is not valid JSON'],
};

/** Nest's and Fastify's own client errors (routing, body parsing), with fixed safe messages. */
const httpStatuses: Record<number, [string, string]> = {
  400: ['invalid_json', 'the body is not valid JSON'],
  404: ['not_found', 'no such resource'],
  413: ['body_too_large', 'the request body exceeds 256 KB'],
  415: ['unsupported_media_type', 'send the body as application/json'],
};

/**
 * Maps any thrown value to a problem. Unknown errors become a bare 500: no stack trace, SQL
 * or internal message reaches a client (`internal` tells the caller to log it).
 */
export function toProblem(error: unknown): { problem: Problem; internal: boolean } {
  if (error instanceof HttpProblem)
    return { problem: problem(error.status, error.code, error.message, error.errors), internal: false };
  if (error instanceof ValidationError)
    return { problem: problem(400, error.code, error.message, error.errors), internal: false };
  if (error instanceof NotFoundError) return { problem: problem(404, error.code, error.message), internal: false };
  if (error instanceof ConflictError) return { problem: problem(409, error.code, error.message), internal: false };
  if (error instanceof DomainError) return { problem: problem(400, error.code, error.message), internal: false };
  if (error instanceof WrongExpectedVersion) {
    const detail = `stream ${error.stream} is at revision ${String(error.actual)}, not ${String(error.expected)}`;
    return { problem: problem(409, error.code, detail), internal: false };
  }
  if (error instanceof ConcurrencyExhausted)
    return { problem: problem(409, error.code, error.message), internal: false };
  if (error instanceof StreamNotFound)
    return { problem: problem(404, 'not_found', `${error.stream} not found`), internal: false };
  if (error instanceof PatientErasedError) return { problem: problem(409, error.code, error.message), internal: false };
  if (error instanceof MasterKeyRotatedError) {
    return {
      problem: problem(503, error.code, 'the master key was rotated; this instance must restart with the new key'),
      internal: true,
    };
  }
  // Reported, never served: the event id and the reason, no field value and no key.
  if (error instanceof UndecryptableEventError || error instanceof KeyStoreCorruptError) {
    return { problem: problem(500, error.code, error.message), internal: true };
  }
  if (error instanceof ProjectionEngineError && error.kind !== 'internal') {
    return { problem: problem(error.kind === 'not_found' ? 404 : 409, error.code, error.message), internal: false };
  }
  if (error instanceof StreamDeleted)
    return {
      problem: problem(
        410,
        'stream_deleted',
        `${error.stream} was deleted in the event store; it takes no more events`,
      ),
      internal: false,
    };
  if (error instanceof AppendTooLarge)
    return {
      problem: problem(
        413,
        'append_too_large',
        "the command's events exceed the event store's maximum append size; nothing was appended",
      ),
      internal: false,
    };
  if (error instanceof EventStoreUnavailable)
    return {
      problem: problem(503, 'store_unavailable', 'a store is unreachable; nothing was appended'),
      internal: true,
    };
  // The read side (queries, audit, admin, keys of idempotency) lost its database: retry later.
  if (isConnectionError(error))
    return { problem: problem(503, 'store_unavailable', 'a store is unreachable; retry later'), internal: true };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && fastifyErrors[code]) {
    const [status, c, detail] = fastifyErrors[code];
    return { problem: problem(status, c, detail), internal: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const known = httpStatuses[status];
    if (known) return { problem: problem(status, known[0], known[1]), internal: false };
    if (status < 500)
      return { problem: problem(status, 'http_error', titles[status] ?? 'request rejected'), internal: false };
  }
  return { problem: problem(500, 'internal_error', 'an internal error occurred'), internal: true };
}
