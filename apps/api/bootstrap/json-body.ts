import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { BadRequest } from '../errors/http-errors.js';

/** Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1). */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Replaces Fastify's JSON body parser with one that refuses, with 400 and nothing stored:
 * - bytes that are not UTF-8 (RFC 8259 §8.1). Fastify decodes bodies leniently and turns such
 *   bytes into U+FFFD, which would then be stored as if the client had sent them;
 * - objects and arrays nested deeper than {@link MAX_JSON_DEPTH} levels, which no command needs and
 *   which make any recursive walk over the body (validation, hashing, jsonb) a stack overflow.
 * The JSON itself is still parsed by Fastify's own parser (prototype-poisoning checks included).
 *
 * Registered through Nest (before `app.init()`), so Nest does not add its own JSON parser.
 *
 * @example
 * useStrictJsonBodies(app, BODY_LIMIT_BYTES);
 */
export function useStrictJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(
        new BadRequest(
          'the body is not valid UTF-8',
          [{ path: '', message: `invalid UTF-8 at byte ${firstInvalidByte(body)}` }],
          'invalid_encoding',
        ),
        undefined,
      );
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const deep = tooDeep(value, MAX_JSON_DEPTH);
      if (deep !== null) {
        done(
          new BadRequest(
            `the body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`,
            [{ path: deep, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }],
            'too_deep',
          ),
          undefined,
        );
        return;
      }
      done(null, value);
    });
  });
}

/**
 * The top-level field (`''` when the body is not an object) holding a value nested deeper than
 * `limit`, or null. Iterative: a body of any depth is walked without recursion.
 */
export function tooDeep(value: unknown, limit: number): string | null {
  const stack: { value: unknown; depth: number; field: string }[] = [{ value, depth: 0, field: '' }];
  while (stack.length > 0) {
    const { value: v, depth, field } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return field;
    const fieldsHere = depth === 0 && !Array.isArray(v);
    for (const [key, child] of Object.entries(v))
      stack.push({ value: child, depth: depth + 1, field: fieldsHere ? key : field });
  }
  return null;
}

/** Offset of the first byte where `bytes` stops being UTF-8 (for the error message). */
function firstInvalidByte(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // The longest valid prefix, by bisection (a decoder error does not say where it happened).
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}
