import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from './roles.js';

/**
 * The caller behind a request, as the key ring knows it. `keyId` (the first 12 hex
 * characters of the key's SHA-256) is the actor id in event metadata and audit records;
 * the key itself is never kept.
 */
export type Principal = {
  readonly keyId: string;
  readonly role: Role;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the AuthGuard on routes that carry `@Roles(...)`. */
    principal?: Principal;
  }
}

/**
 * Injects the authenticated {@link Principal} into a handler. Only for routes with
 * `@Roles(...)`: on a public route there is none, and that is a programming error (500).
 *
 * @example
 * @Post(':name')
 * @Roles(...COMMAND_ROLES)
 * send(@Principal() principal: Principal) {
 *   return this.bus.execute(command, { actor: principal.keyId });
 * }
 */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('@Principal() used on a route without @Roles(...): no caller was authenticated');
  return principal;
});
