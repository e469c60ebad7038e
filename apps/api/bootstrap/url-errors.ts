import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../errors/problem.js';
import { setSecurityHeaders } from './security-headers.js';

/** Fastify's longest path parameter (find-my-way's `maxParamLength` default). */
export const MAX_PARAM_LENGTH = 100;

const PLACEHOLDER = 'caretrack-bad-segment';

/**
 * Fastify's `frameworkErrors`: URLs refused by the router itself, before any route (and so
 * before Nest's exception filter) runs — a path segment that is not percent-encoded UTF-8 (400)
 * or a path parameter over {@link MAX_PARAM_LENGTH} characters (414). Fastify would answer them
 * with its own JSON, echoing the URL; this answers problem+json naming the path parameter at fault.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const param = faultyParameter(request, tooLong);
  const problem: Problem = tooLong
    ? {
        type: 'https://caretrack.dev/problems/uri_too_long',
        title: 'URI Too Long',
        status: 414,
        detail: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        code: 'uri_too_long',
        errors: [{ path: param, message: `longer than ${MAX_PARAM_LENGTH} characters` }],
      }
    : {
        type: 'https://caretrack.dev/problems/invalid_url',
        title: 'Bad Request',
        status: 400,
        detail: 'the URL is not valid percent-encoded UTF-8',
        code: 'invalid_url',
        errors: [{ path: param, message: 'not valid percent-encoded UTF-8' }],
      };
  setSecurityHeaders(request.raw, reply.raw);
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json')
    .header('cache-control', 'no-store')
    .send(problem);
}

/** The name of the route parameter whose segment is at fault, found by matching the URL without it; `url` if none. */
function faultyParameter(request: FastifyRequest, tooLong: boolean): string {
  const [path] = request.raw.url?.split('?') ?? [''];
  const segments = path!.split('/');
  const bad = segments.findIndex((segment) => (tooLong ? segment.length > MAX_PARAM_LENGTH : !decodes(segment)));
  if (bad < 0) return 'url';
  const sanitized = segments.map((segment, i) => (i === bad ? PLACEHOLDER : segment)).join('/');
  const route = request.server.findRoute({ method: request.method as 'GET', url: sanitized });
  const params = (route?.params ?? {}) as Record<string, string>;
  return Object.entries(params).find(([, value]) => value === PLACEHOLDER)?.[0] ?? 'url';
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
