import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** How long one client address's failed authentications are counted together. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/**
 * Counts failed authentications per client address (`request.ip`, which honours TRUST_PROXY) and
 * says when an address has used up its allowance for the current minute. Built on
 * @fastify/rate-limit's in-memory store (per process): only failures are counted, so clients with
 * valid keys are never slowed.
 */
export type AuthThrottle = {
  /** Seconds until this address may try again, or null when it may try now. Counts nothing. */
  blockedFor(request: FastifyRequest): Promise<number | null>;
  /** Records one failed authentication of this address. */
  failed(request: FastifyRequest): Promise<void>;
};

/**
 * Registers @fastify/rate-limit (not as a global limit) on `fastify` and builds the throttle.
 *
 * @example
 * const throttle = await createAuthThrottle(adapter.getInstance(), { maxFailures: 10 });
 */
export async function createAuthThrottle(
  fastify: FastifyInstance,
  options: { maxFailures: number },
): Promise<AuthThrottle> {
  await fastify.register(rateLimit, { global: false });
  const limiter = fastify.createRateLimit({
    max: options.maxFailures,
    timeWindow: AUTH_FAILURE_WINDOW_MS,
    keyGenerator: (request) => request.ip,
  });
  return {
    async blockedFor(request) {
      const status = await limiter(request, { increment: false });
      if (status.isAllowed || status.remaining > 0) return null;
      return Math.max(1, status.ttlInSeconds);
    },
    async failed(request) {
      await limiter(request);
    },
  };
}
