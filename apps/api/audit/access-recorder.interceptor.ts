import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ACCESS_LOG } from '../tokens.js';
import type { AccessLog } from './access-log.js';

type Params = Record<string, string>;

/** The patient an audit stream read concerns: its id in the stream name, else in its events. */
function streamPatient(params: Params, body: unknown): string | null {
  const named = /^(?:patient|tracker)-(.+)$/.exec(params['streamId'] ?? '');
  if (named) return named[1]!;
  const events = (body as { events?: { data?: Record<string, unknown> }[] } | undefined)?.events ?? [];
  for (const event of events) {
    const id = event.data?.['patientId'] ?? event.data?.['playerId'];
    if (typeof id === 'string') return id;
  }
  return null;
}

/** Routes that return patient data, and the patient they concern (null: several or none named). */
const patientRoutes: { pattern: RegExp; patientOf: (params: Params, body: unknown) => string | null }[] = [
  { pattern: /^\/patients\/:id(\/|$)/, patientOf: (params) => params['id'] ?? null },
  { pattern: /^\/players\/:id(\/|$)/, patientOf: (params) => params['id'] ?? null },
  { pattern: /^\/patients$/, patientOf: () => null },
  { pattern: /^\/doctors\/:id\/patients$/, patientOf: () => null },
  { pattern: /^\/sessions\//, patientOf: () => null },
  { pattern: /^\/reports$/, patientOf: () => null },
  { pattern: /^\/exports\//, patientOf: () => null },
  { pattern: /^\/audit\/patients\/:id\//, patientOf: (params) => params['id'] ?? null },
  // The event history holds the same personal data as the tables (SPEC §7: every read is recorded).
  { pattern: /^\/audit\/streams\/:streamId$/, patientOf: streamPatient },
  { pattern: /^\/audit\/events$/, patientOf: () => null },
];

/**
 * Records every successful read of patient data (key id, role, endpoint, patient id, time) in
 * the append-only access log before the response leaves: no record, no data.
 */
@Injectable()
export class AccessRecorder implements NestInterceptor {
  constructor(@Inject(ACCESS_LOG) private readonly log: AccessLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const route = request.routeOptions?.url ?? '';
    const match = request.method === 'GET' ? patientRoutes.find((r) => r.pattern.test(route)) : undefined;
    if (!match || !request.principal) return next.handle();
    const principal = request.principal;
    return from(
      (async () => {
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        await this.log.record({
          keyId: principal.keyId,
          role: principal.role,
          method: request.method,
          endpoint: request.url.slice(0, 2000),
          patientId: match.patientOf(request.params as Params, body),
          status: reply.statusCode,
        });
        return body;
      })(),
    );
  }
}
