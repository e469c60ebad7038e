/**
 * The hooks through which code outside the HTTP edge reports to the metrics, without
 * knowing prom-client. `AppMetrics` implements them; the projection runner and the
 * `CommandExecutor` call them (docs/architecture.md, "Metrics").
 */

/**
 * What the projection runner reports after each batch it commits to the live tables.
 *
 * @example
 * const started = performance.now();
 * await commit(projection, events);
 * metrics?.batchApplied(projection.name, events.length, (performance.now() - started) / 1000);
 */
export interface ProjectionMetrics {
  batchApplied(projection: string, events: number, seconds: number): void;
}

/**
 * What the command handler reports when an append lost a race (another writer appended to
 * the stream between the read and the append) and it decides again (SPEC §2, Concurrency).
 *
 * @example metrics?.conflictRetry('RecordConsultation');
 */
export interface CommandMetrics {
  conflictRetry(command: string): void;
}

/**
 * What the auth guard reports for every request it refuses with 401.
 *
 * @example observer?.failedAuthentication('invalid');
 */
export interface AuthFailureObserver {
  failedAuthentication(reason: 'missing' | 'invalid'): void;
}

/** Injection token of the process's `AppMetrics`. */
export const APP_METRICS = Symbol('APP_METRICS');
/** Injection token of a {@link ProjectionMetrics} (the same `AppMetrics`). */
export const PROJECTION_METRICS = Symbol('PROJECTION_METRICS');
/** Injection token of a {@link CommandMetrics} (the same `AppMetrics`). */
export const COMMAND_METRICS = Symbol('COMMAND_METRICS');
/** Injection token of an {@link AuthFailureObserver}; optional for the guard. */
export const AUTH_FAILURES = Symbol('AUTH_FAILURES');
