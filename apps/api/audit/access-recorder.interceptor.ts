import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ACCESS_LOG } from '../tokens.js';
import type { AccessLog } from './access-log.js';

/** Routes that return patient data, and where their patient id is (null: many patients). */
const patientRoutes: { pattern: RegExp; patientParam: string | null }[] = [
  { pattern: /^\/patients\/:id(\/|$)/, patientParam: 'id' },
  { pattern: /^\/players\/:id(\/|$)/, patientParam: 'id' },
  { pattern: /^\/patients$/, patientParam: null },
  { pattern: /^\/doctors\/:id\/patients$/, patientParam: null },
  { pattern: /^\/sessions\//, patientParam: null },
  { pattern: /^\/reports$/, patientParam: null },
  { pattern: /^\/exports\//, patientParam: null },
  { pattern: /^\/audit\/patients\/:id\//, patientParam: 'id' },
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
        const params = request.params as Record<string, string>;
        await this.log.record({
          keyId: principal.keyId,
          role: principal.role,
          method: request.method,
          endpoint: request.url.slice(0, 2000),
          patientId: match.patientParam ? (params[match.patientParam] ?? null) : null,
          status: reply.statusCode,
        });
        return body;
      })(),
    );
  }
}
