import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionHealth } from './projection-health.js';
import type { AuthFailureObserver, CommandMetrics, ProjectionMetrics } from './observers.js';

/** Seconds: 1 ms … 10 s, for requests, commands and appends. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Events per batch: 1 … the runner's largest batch (1,000) and a rebuild's (5,000). */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** The statuses of SPEC §6, one `caretrack_projection_status` series each. */
export const PROJECTION_STATUSES = ['running', 'catching_up', 'stale', 'rebuilding', 'faulted'] as const;

/**
 * Every metric of the process (SPEC §10), in a registry of its own: two apps in one process
 * (tests) never share a series, and nothing lands in prom-client's global registry. The names
 * are listed in the README; `docs/alerting.md` uses them.
 *
 * @example
 * const metrics = new AppMetrics();
 * metrics.commands.inc({ command: 'RegisterPatient', outcome: '201' });
 * await metrics.registry.metrics(); // the Prometheus text
 */
export class AppMetrics implements ProjectionMetrics, CommandMetrics, AuthFailureObserver {
  readonly registry = new Registry();

  // Per projection, sampled at scrape time from the checkpoints, the rebuilds and the log.
  readonly projectionPosition = this.gauge(
    'caretrack_projection_position',
    'Log position of the projection’s checkpoint (0 before its first event).',
    ['projection'],
  );
  readonly projectionLagEvents = this.gauge(
    'caretrack_projection_lag_events',
    'Events of the projection’s types beyond its checkpoint.',
    ['projection'],
  );
  readonly projectionLagSeconds = this.gauge(
    'caretrack_projection_lag_seconds',
    'Age of the oldest event the projection has not applied yet (0 when caught up).',
    ['projection'],
  );
  readonly projectionStatus = this.gauge(
    'caretrack_projection_status',
    '1 for the projection’s current status, 0 for the others.',
    ['projection', 'status'],
  );
  readonly projectionStale = this.gauge(
    'caretrack_projection_stale',
    '1 when the live rows were built with another fingerprint than the running code’s.',
    ['projection'],
  );
  readonly projectionSinceProgress = this.gauge(
    'caretrack_projection_seconds_since_progress',
    'Seconds since the projection’s checkpoint last moved.',
    ['projection'],
  );
  readonly rebuildProgress = this.gauge(
    'caretrack_projection_rebuild_progress_ratio',
    'Processed / total events of the projection’s latest rebuild (1 once swapped).',
    ['projection'],
  );

  // Per projection, counted by the runner through ProjectionMetrics (the runner's BatchObserver).
  readonly eventsApplied = this.counter(
    'caretrack_projection_events_applied_total',
    'Events applied to the projection’s live tables.',
    ['projection'],
  );
  readonly applyDuration = this.histogram(
    'caretrack_projection_apply_duration_seconds',
    'Time to apply one batch and commit it with its checkpoint.',
    ['projection'],
    LATENCY_BUCKETS,
  );
  readonly batchSize = this.histogram(
    'caretrack_projection_batch_size',
    'Events per applied batch.',
    ['projection'],
    BATCH_BUCKETS,
  );

  // The command path.
  readonly commands = this.counter(
    'caretrack_commands_total',
    'Command requests by command name and outcome (the HTTP status).',
    ['command', 'outcome'],
  );
  readonly commandDuration = this.histogram(
    'caretrack_command_duration_seconds',
    'Command request duration by command name and outcome.',
    ['command', 'outcome'],
    LATENCY_BUCKETS,
  );
  readonly appendDuration = this.histogram(
    'caretrack_append_duration_seconds',
    'Duration of one append to the event log, by result (ok, wrong_expected_version, error).',
    ['result'],
    LATENCY_BUCKETS,
  );
  readonly conflictRetries = this.counter(
    'caretrack_command_conflict_retries_total',
    'Commands decided again after another writer appended to their stream first.',
    ['command'],
  );
  readonly idempotentReplays = this.counter(
    'caretrack_idempotent_replays_total',
    'Commands answered from the Idempotency-Key store, appending nothing.',
    ['command'],
  );

  // Personal data (SPEC §9): crypto time of this process, sampled at each scrape.
  readonly personalDataSeconds = this.gauge(
    'caretrack_personal_data_seconds',
    'Seconds this process spent on personal-data crypto since it started: path commands (key: getting or creating the data keys and destroying them; encrypt: sealing with the key in hand; decrypt: before deciding) or projections (decrypt: each batch).',
    ['path', 'operation'],
  );

  // The HTTP edge.
  readonly failedAuthentications = this.counter(
    'caretrack_failed_authentications_total',
    'Requests refused 401: no Bearer key (missing) or an unknown one (invalid).',
    ['reason'],
  );
  readonly httpDuration = this.histogram(
    'caretrack_http_request_duration_seconds',
    'HTTP request duration by method, route template and status.',
    ['method', 'route', 'status_code'],
    LATENCY_BUCKETS,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Sets the per-projection gauges from a fresh sample (called at every scrape). */
  observeProjections(health: readonly ProjectionHealth[]): void {
    for (const gauge of [
      this.projectionPosition,
      this.projectionLagEvents,
      this.projectionLagSeconds,
      this.projectionStatus,
      this.projectionStale,
      this.projectionSinceProgress,
      this.rebuildProgress,
    ]) {
      gauge.reset();
    }
    for (const p of health) {
      const projection = p.name;
      this.projectionPosition.set({ projection }, p.position === null ? 0 : Number(p.position));
      this.projectionLagEvents.set({ projection }, p.lag);
      this.projectionLagSeconds.set({ projection }, p.lagSeconds);
      for (const status of PROJECTION_STATUSES)
        this.projectionStatus.set({ projection, status }, p.status === status ? 1 : 0);
      this.projectionStale.set({ projection }, p.stale ? 1 : 0);
      if (p.secondsSinceProgress !== null) this.projectionSinceProgress.set({ projection }, p.secondsSinceProgress);
      if (p.rebuild) this.rebuildProgress.set({ projection }, p.rebuild.ratio);
    }
  }

  /** Sets the crypto-time gauges from the executor's and the runner's totals (called at every scrape). */
  observePersonalData(totals: {
    encryptCommandsSeconds: number;
    keyCommandsSeconds: number;
    decryptCommandsSeconds: number;
    decryptProjectionsSeconds: number;
  }): void {
    this.personalDataSeconds.set({ path: 'commands', operation: 'encrypt' }, totals.encryptCommandsSeconds);
    this.personalDataSeconds.set({ path: 'commands', operation: 'key' }, totals.keyCommandsSeconds);
    this.personalDataSeconds.set({ path: 'commands', operation: 'decrypt' }, totals.decryptCommandsSeconds);
    this.personalDataSeconds.set({ path: 'projections', operation: 'decrypt' }, totals.decryptProjectionsSeconds);
  }

  /** ProjectionMetrics: one batch committed to the live tables. */
  batchApplied(projection: string, events: number, seconds: number): void {
    this.eventsApplied.inc({ projection }, events);
    this.batchSize.observe({ projection }, events);
    this.applyDuration.observe({ projection }, seconds);
  }

  /** CommandMetrics: the handler read its stream again after losing a race. */
  conflictRetry(command: string): void {
    this.conflictRetries.inc({ command });
  }

  /** AuthFailureObserver: the guard answered 401. */
  failedAuthentication(reason: 'missing' | 'invalid'): void {
    this.failedAuthentications.inc({ reason });
  }

  /** The Prometheus text format of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
