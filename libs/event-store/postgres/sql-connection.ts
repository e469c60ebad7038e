import type { Kysely } from 'kysely';

/**
 * What the PostgreSQL adapter needs of a database: a kysely instance (pg pool or PGlite)
 * and LISTEN. `libs/read-store` provides one for the server and one for PGlite.
 */
export interface SqlConnection {
  readonly db: Kysely<unknown>;
  /** `server` (pg) or `embedded` (PGlite) */
  readonly kind: 'server' | 'embedded';
  /**
   * Calls `onWake` on every notification of `channel`, and also after the listening
   * connection was lost and re-established (notifications may have been missed then).
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onWake: () => void): Promise<() => Promise<void>>;
}
