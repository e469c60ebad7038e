import { Inject, Injectable, Optional, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden, TooManyRequests, Unauthorized } from '../errors/http-errors.js';
import { AUTH_FAILURES, type AuthFailureObserver } from '../metrics/observers.js';
import type { AuthThrottle } from './auth-throttle.js';
import { AUTH_THROTTLE, KEY_RING } from './auth.tokens.js';
import { KeyRing } from './key-ring.js';
import type { Role } from './roles.js';

export { Principal } from './principal.js';
export { ADMIN_ROLES, ANY_ROLE, AUDIT_ROLES, COMMAND_ROLES, METRICS_ROLES, QUERY_ROLES, type Role } from './roles.js';

/** Metadata key under which `@Roles(...)` stores the roles a route accepts. */
export const ROLES_METADATA = 'caretrack:roles';
/** Metadata key under which `@RolesFrom(...)` stores a per-request refinement of them. */
export const ROLES_RESOLVER_METADATA = 'caretrack:roles-resolver';

/** Picks the roles of one request (e.g. by the command named in the path); `undefined` keeps `@Roles`. */
export type RolesResolver = (request: FastifyRequest) => readonly Role[] | undefined;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Restricts a route (or every route of a controller) to keys of the given roles. Routes
 * without it are public (`/health`, `/ready`, `/docs`). A method's `@Roles` overrides its
 * controller's.
 *
 * @example
 * @Get('patients/:id')
 * @Roles(...QUERY_ROLES)
 * patient(@Param('id') id: string) { … }
 */
export function Roles(...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  return SetMetadata(ROLES_METADATA, roles);
}

/**
 * On a route with `@Roles`, lets the request itself decide which roles it needs: one route
 * `POST /commands/:name` serves commands of different roles (ErasePatient is `admin`).
 *
 * @example
 * @Post(':name')
 * @Roles(...COMMAND_ROLES)
 * @RolesFrom((request) => rolesOfCommand(request.params))
 */
export function RolesFrom(resolver: RolesResolver): MethodDecorator & ClassDecorator {
  return SetMetadata(ROLES_RESOLVER_METADATA, resolver);
}

/**
 * The global guard (registered by `AuthModule`): on a route with `@Roles` (refined per
 * request by `@RolesFrom`), a missing or unknown `Authorization: Bearer <key>` is 401
 * (reported to the optional {@link AuthFailureObserver}, the failed-authentications metric)
 * and a known key of another role is 403;
 * otherwise the caller's principal is put on `request.principal`. A client address that sent
 * too many wrong keys in the last minute gets 429 with `Retry-After`, before any key is checked.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(KEY_RING) private readonly keyRing: KeyRing,
    @Inject(AUTH_THROTTLE) private readonly throttle: AuthThrottle,
    @Optional() @Inject(AUTH_FAILURES) private readonly failures?: AuthFailureObserver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const routeRoles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!routeRoles) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const resolver = this.reflector.getAllAndOverride<RolesResolver | undefined>(ROLES_RESOLVER_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const roles = resolver?.(request) ?? routeRoles;
    const reply = http.getResponse<FastifyReply>();
    const wait = await this.throttle.blockedFor(request);
    if (wait !== null) {
      void reply.header('retry-after', String(wait));
      throw new TooManyRequests(`too many failed authentications from this address; retry in ${wait} s`);
    }
    const authorization = request.headers.authorization;
    const key = BEARER.exec(authorization ?? '')?.[1];
    if (key === undefined) {
      this.failures?.failedAuthentication('missing');
      // A malformed Authorization header counts as a failed attempt; no header at all does not.
      if (authorization !== undefined) await this.throttle.failed(request);
      void reply.header('www-authenticate', 'Bearer realm="caretrack"');
      throw new Unauthorized('send a key as "Authorization: Bearer <key>"');
    }
    const principal = this.keyRing.lookup(key);
    if (!principal) {
      this.failures?.failedAuthentication('invalid');
      await this.throttle.failed(request);
      void reply.header('www-authenticate', 'Bearer realm="caretrack", error="invalid_token"');
      throw new Unauthorized('the Bearer key is not recognised');
    }
    if (!roles.includes(principal.role)) {
      throw new Forbidden(
        `this route needs a key with role ${roles.join(' or ')}; this key has role ${principal.role}`,
      );
    }
    request.principal = principal;
    return true;
  }
}
