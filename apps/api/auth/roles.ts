/** Every role a key can hold (SPEC §8). */
export const ROLES = ['service', 'reader', 'admin', 'auditor', 'metrics'] as const;

/** The role of an API key: what its holder may do. */
export type Role = (typeof ROLES)[number];

/**
 * Narrows a string to a {@link Role}.
 *
 * @example
 * isRole('reader'); // true
 * isRole('root'); // false
 */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who may send a command (`POST /commands/*`) unless its registry entry names other roles (`roles`). */
export const COMMAND_ROLES = ['service'] as const satisfies readonly Role[];

/** Who may read the query endpoints (`GET /patients`, `/sessions`, `/exports`, …). */
export const QUERY_ROLES = ['service', 'reader', 'admin'] as const satisfies readonly Role[];

/** Who may operate projections (`/admin/*`). */
export const ADMIN_ROLES = ['admin'] as const satisfies readonly Role[];

/** Who may replay the history (`/audit/*`). */
export const AUDIT_ROLES = ['auditor'] as const satisfies readonly Role[];

/** Who may scrape `GET /metrics` (SPEC §10): the `metrics` key of a Prometheus server, or an admin. */
export const METRICS_ROLES = ['metrics', 'admin'] as const satisfies readonly Role[];

/** Every role: routes any valid key may call (`GET /whoami`). */
export const ANY_ROLE = ROLES;
