import { randomUUID } from 'node:crypto';
import {
  commandRegistry,
  isCommandName,
  type CommandContext,
  type DecidedEvent,
  type FoldedState,
  type PreparedCommand,
} from '../../../libs/domain/commands.js';
import {
  WrongExpectedVersion,
  positionToString,
  type AppendOutcome,
  type AppendResult,
  type DecisionRead,
  type EventStore,
  type EventToAppend,
  type StreamAppend,
} from '../../../libs/event-store/index.js';
import {
  decryptEvents,
  encryptEvent,
  personalFieldsOf,
  UndecryptableEventError,
  withPersonalFieldsErased,
  type DataKeys,
} from '../../../libs/personal-data/index.js';
import { NotFound } from '../errors/http-errors.js';
import type { CommandMetrics } from '../metrics/observers.js';
import { ConcurrencyExhausted } from './concurrency-exhausted.js';
import { DecisionCache, type DecisionCacheLimits } from './decision-cache.js';
import type { Actor, CommandAccepted } from './execute-command.js';

/** Version of the event envelope written in `metadata.schemaVersion`. */
export const EVENT_SCHEMA_VERSION = 1;

/** Who sent a command and how: the metadata of its events, and If-Match. */
export type CommandMeta = {
  actor: Actor;
  correlationId: string;
  /** this command's own id: the causationId of the events it emits */
  commandId: string;
  /** from If-Match: the stream must be at this revision (409 at once otherwise); absent: no check */
  expectedRevision?: bigint;
};

/** Retries of a command that another writer beat to its stream (SPEC §2, "Concurrency"). */
export type RetryPolicy = {
  /** conflicts a command may lose before it is answered 409 `concurrency_exhausted`; default 10 */
  maxAttempts: number;
  /** backoff before the n-th retry: a random delay in [0, min(maxDelayMs, baseDelayMs · 2^n)) ms */
  baseDelayMs: number;
  maxDelayMs: number;
};

/** The key store as the executor uses it: encrypt, decrypt, and ErasePatient's key destruction. */
export type CommandDataKeys = DataKeys & { destroy(subjectId: string): Promise<unknown> };

export type CommandExecutorOptions = {
  store: EventStore;
  /** per-patient data keys (SPEC §9): personal fields are encrypted before the append and decrypted before deciding */
  dataKeys: CommandDataKeys;
  /** the keys of triage_map.yaml (LogSymptom) */
  isKnownSymptom: (symptomId: string) => boolean;
  logger?: { debug(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
  retry?: Partial<RetryPolicy>;
  cache?: DecisionCacheLimits;
  /** most commands of one stream decided and appended together; default 64 */
  maxRound?: number;
  /** told of every retry (caretrack_command_conflict_retries_total); tests and the CLI pass none */
  metrics?: CommandMetrics;
};

/** What the executor has done, for metrics. */
export type CommandExecutorCounters = {
  /** commands retried because another writer appended to their stream first (one per retry) */
  conflictRetries: number;
  /** commands answered 409 concurrency_exhausted */
  exhausted: number;
  /** read-decide-append rounds (at most one read and one append call for up to `maxRound` commands of a stream) */
  rounds: number;
  /** rounds that decided on the cached state without reading (the append's expected revision checked it) */
  readsSkipped: number;
  /** time spent sealing decided events with their keys in hand (ms, summed): the AES work of SPEC §9 on the write path */
  encryptMs: number;
  /** time spent getting the keys to seal with, and on ErasePatient's key destruction (ms, summed): a new patient's key is one transaction */
  keyMs: number;
  /** time spent decrypting read events before deciding (ms, summed) */
  decryptMs: number;
};

type Job = {
  commandName: string;
  prepared: PreparedCommand;
  meta: CommandMeta;
  /** conflicts lost so far */
  attempts: number;
  resolve(accepted: CommandAccepted): void;
  reject(error: unknown): void;
};

type Decided = { job: Job; events: EventToAppend[]; state: FoldedState; revision: bigint };
/** A refusal decided on its predecessors' unwritten events: it stands only if they all land. */
type Deferred = { job: Job; error: unknown; after: number };

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 50 };

/**
 * Runs commands: validate, read, decide (pure), append — without HTTP, so the HTTP handler, the
 * legacy importer and bulk paths share it.
 *
 * - **One stream, one lane.** Commands for the same stream in this process never race each
 *   other: they queue in the stream's lane, and each round takes the queued commands, reads the
 *   stream once (`readForDecision`: the events after the cached revision and the facts not yet
 *   known, one statement on PostgreSQL), decides each on the state its predecessors leave, and
 *   appends them in one `appendToStreams` call (one group commit), each expecting the revision
 *   its predecessor ends at. A lane exists only while it has work.
 * - **Conflicts with other writers** (another process, the importer) are retried without
 *   If-Match: read again, decide again, append again, after a jittered backoff, at most
 *   `maxAttempts` times, then 409 `concurrency_exhausted`. A rule the new state breaks is that
 *   rule's error. With If-Match, a stream at another revision is `WrongExpectedVersion` at once.
 * - **Personal data (SPEC §9).** The deciders see the stored events decrypted (an erased
 *   patient's fields as `null`); decided events are encrypted just before each append, with the
 *   ids they are appended under (the associated data), so every retry encrypts anew. A command's
 *   `effects` (ErasePatient: destroy the data key) run after its predecessors in the round are
 *   encrypted and before it is appended: an event encrypted under a key destroyed before its
 *   append is unreadable, erased by construction. The cached states are folded from plaintext
 *   events; deciders keep no personal field in their states (tested), so they equal the states
 *   folded from the decrypted log, before and after an erasure.
 * - **Rejections stand on confirmed states only.** A command decided after others of its round
 *   saw their events before they were written; if it is refused, the refusal waits for their
 *   append and holds only if they all landed (else the command is decided again).
 */
export class CommandExecutor {
  private readonly lanes = new Map<string, Job[]>();
  private readonly cache: DecisionCache;
  private readonly retry: RetryPolicy;
  private readonly counters: CommandExecutorCounters = {
    conflictRetries: 0,
    exhausted: 0,
    rounds: 0,
    readsSkipped: 0,
    encryptMs: 0,
    keyMs: 0,
    decryptMs: 0,
  };

  constructor(private readonly options: CommandExecutorOptions) {
    this.cache = new DecisionCache(options.cache);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * Runs one command; resolves to its 201 body. Rejects with the domain's errors (400/404/409),
   * `WrongExpectedVersion`, `ConcurrencyExhausted` or `EventStoreUnavailable`.
   *
   * @example
   * await executor.execute('LogSymptom', body, { actor, correlationId, commandId: randomUUID() });
   */
  async execute(commandName: string, body: unknown, meta: CommandMeta): Promise<CommandAccepted> {
    if (!isCommandName(commandName)) throw new NotFound(`no command named ${commandName}`);
    const prepared = commandRegistry[commandName].prepare(body);
    return new Promise<CommandAccepted>((resolve, reject) =>
      this.enqueue({ commandName, prepared, meta, attempts: 0, resolve, reject }),
    );
  }

  /** A snapshot of the counters. */
  stats(): CommandExecutorCounters {
    return { ...this.counters };
  }

  private enqueue(job: Job): void {
    const stream = job.prepared.streamId;
    const lane = this.lanes.get(stream);
    if (lane) {
      lane.push(job);
      return;
    }
    const fresh = [job];
    this.lanes.set(stream, fresh);
    void this.drain(stream, fresh);
  }

  private async drain(stream: string, lane: Job[]): Promise<void> {
    try {
      while (lane.length > 0) {
        const round = this.takeRound(lane);
        let again: Job[];
        try {
          again = await this.round(stream, round);
        } catch (error) {
          for (const job of round) job.reject(error);
          again = [];
        }
        const retrying = again.filter((job) => {
          if (job.attempts < this.retry.maxAttempts) return true;
          this.counters.exhausted++;
          job.reject(new ConcurrencyExhausted(stream, job.attempts));
          return false;
        });
        if (retrying.length === 0) continue;
        lane.unshift(...retrying);
        this.counters.conflictRetries += retrying.length;
        for (const job of retrying) this.options.metrics?.conflictRetry(job.commandName);
        const attempt = Math.max(...retrying.map((job) => job.attempts));
        this.options.logger?.debug(
          { stream, commands: retrying.length, attempt },
          'another writer appended to the stream first; deciding again',
        );
        await backoff(this.retry, attempt);
      }
    } finally {
      this.lanes.delete(stream);
    }
  }

  /** The next round: the lane's head, then followers without If-Match (an If-Match command only ever leads a round). */
  private takeRound(lane: Job[]): Job[] {
    const round = [lane.shift()!];
    const max = this.options.maxRound ?? 64;
    while (lane.length > 0 && round.length < max && lane[0]!.meta.expectedRevision === undefined)
      round.push(lane.shift()!);
    return round;
  }

  /**
   * One round: the state (cached, or read), the decisions, one append call. Resolves to the
   * commands to run again.
   *
   * The read is skipped when this process holds the stream's state as the log last confirmed it
   * (its own read or append, not since contradicted by a conflict) and knows every fact the
   * commands need: the append's expected revision still checks that nothing came in between, and
   * a conflict marks the state stale, so the retry reads. A refusal is never decided on a state
   * that was not read or confirmed by an append: then the round reads and decides again.
   */
  private async round(stream: string, jobs: Job[]): Promise<Job[]> {
    this.counters.rounds++;
    const lead = jobs[0]!.prepared;
    const entry = this.cache.stream(stream);
    const cached = entry?.aggregate === lead.aggregate ? entry : undefined;
    const unknownFacts = [...new Set(jobs.flatMap((job) => job.prepared.requires.map((r) => r.streamId)))].filter(
      (s) => !this.cache.knownToExist(s),
    );
    if (cached && !cached.stale && unknownFacts.length === 0) {
      const decisions = this.decideAll(
        stream,
        jobs,
        { state: cached.folded, revision: cached.revision, existing: new Set() },
        false,
      );
      if (decisions !== 'read first') {
        this.counters.readsSkipped++;
        return this.appendAll(stream, lead.aggregate, jobs, cached.revision, decisions);
      }
    }
    const read: DecisionRead = await this.options.store.readForDecision(stream, {
      afterRevision: cached?.revision,
      factStreams: unknownFacts,
    });
    if (cached && (read.revision ?? -1n) < cached.revision) {
      // The stream is shorter than what was cached (a test database reset): forget it, read again.
      this.cache.forget(stream);
      return jobs;
    }
    const existing = new Set(read.existingStreams);
    for (const factStream of existing) this.cache.exists(factStream);
    const state = lead.fold(cached?.folded ?? null, await this.decrypted(read.events));
    if (read.revision !== null)
      this.cache.confirm(stream, { aggregate: lead.aggregate, folded: state, revision: read.revision });
    const decisions = this.decideAll(stream, jobs, { state, revision: read.revision, existing }, true);
    if (decisions === 'read first') throw new Error('unreachable: a confirmed state needs no read');
    return this.appendAll(stream, lead.aggregate, jobs, read.revision, decisions);
  }

  /**
   * Decides each command on the state its predecessors leave. On a state not confirmed by a read
   * (`confirmed` false), a refusal of the first command, or an If-Match that does not match,
   * means "read first" (nothing is settled then).
   */
  private decideAll(
    stream: string,
    jobs: Job[],
    base: { state: FoldedState; revision: bigint | null; existing: ReadonlySet<string> },
    confirmed: boolean,
  ): { decided: Decided[]; deferred: Deferred[] } | 'read first' {
    const now = new Date();
    const decided: Decided[] = [];
    const deferred: Deferred[] = [];
    const refusals: { job: Job; error: unknown }[] = [];
    let { state, revision } = base;
    for (const job of jobs) {
      const expected = job.meta.expectedRevision;
      if (expected !== undefined && expected !== revision) {
        if (!confirmed) return 'read first';
        refusals.push({ job, error: new WrongExpectedVersion(stream, expected, revision ?? 'no_stream') });
        continue;
      }
      let events: DecidedEvent[];
      try {
        events = job.prepared.decideOn(state, this.contextFor(job.prepared, now, base.existing));
        if (events.length === 0) throw new Error(`${job.commandName} decided no event`);
      } catch (error) {
        if (decided.length > 0) deferred.push({ job, error, after: decided.length });
        else if (!confirmed) return 'read first';
        else refusals.push({ job, error });
        continue;
      }
      state = job.prepared.fold(state, events);
      revision = (revision ?? -1n) + BigInt(events.length);
      decided.push({ job, events: events.map((event) => envelope(event, job)), state, revision });
    }
    for (const { job, error } of refusals) job.reject(error);
    return { decided, deferred };
  }

  /** Appends the decided commands in one call, each expecting the revision its predecessor ends at. */
  private async appendAll(
    stream: string,
    aggregate: object,
    jobs: Job[],
    baseRevision: bigint | null,
    planned: { decided: Decided[]; deferred: Deferred[] },
  ): Promise<Job[]> {
    const { decided, deferred, again } = await this.sealAll(planned);
    if (decided.length === 0) return again;
    const appends: StreamAppend[] = decided.map((d, i) => ({
      stream,
      events: d.events,
      expectedRevision: i === 0 ? (baseRevision ?? 'no_stream') : decided[i - 1]!.revision,
    }));
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.options.store.appendToStreams(appends);
    } catch (error) {
      this.cache.markStale(stream);
      for (const d of decided) d.job.reject(error);
      for (const d of deferred) d.job.reject(error);
      return [];
    }
    const retry = this.settle(stream, aggregate, jobs, decided, deferred, outcomes);
    return [...retry, ...again].sort((a, b) => jobs.indexOf(a) - jobs.indexOf(b));
  }

  /**
   * Runs each decided command's effects and encrypts its events, in round order. The first
   * command whose encryption fails (409 `patient_erased`) is refused; the commands decided after
   * it saw its events, so they are decided again, and so are deferred refusals that depended on it.
   */
  private async sealAll({
    decided,
    deferred,
  }: {
    decided: Decided[];
    deferred: Deferred[];
  }): Promise<{ decided: Decided[]; deferred: Deferred[]; again: Job[] }> {
    for (let i = 0; i < decided.length; i++) {
      const d = decided[i]!;
      try {
        const effectsStarted = performance.now();
        for (const effect of d.job.prepared.effects)
          if (effect.kind === 'destroyDataKey') await this.options.dataKeys.destroy(effect.subjectId);
        // the keys first (a new patient's is created: one transaction), then the seal with the keys in hand
        for (const subject of subjectsToSeal(d.events)) await this.options.dataKeys.keyForWrite(subject);
        const sealStarted = performance.now();
        d.events = await Promise.all(
          d.events.map((event) => encryptEvent({ ...event, id: event.id! }, this.options.dataKeys)),
        );
        this.counters.keyMs += sealStarted - effectsStarted;
        this.counters.encryptMs += performance.now() - sealStarted;
      } catch (error) {
        d.job.reject(error);
        const again = [
          ...decided.slice(i + 1).map((x) => x.job),
          ...deferred.filter((x) => x.after > i).map((x) => x.job),
        ];
        return { decided: decided.slice(0, i), deferred: deferred.filter((x) => x.after <= i), again };
      }
    }
    return { decided, deferred, again: [] };
  }

  /**
   * The stored events as the deciders see them: decrypted, an erased patient's fields `null`. An
   * event whose ciphertext does not open is decided on as erased (no decider reads a personal
   * field) and logged with its id; the views report it (audit history, the projections' faults).
   */
  private async decrypted<E extends { id: string; type: string; data: Record<string, unknown> }>(
    events: readonly E[],
  ): Promise<E[]> {
    const started = performance.now();
    try {
      return await decryptEvents(events, this.options.dataKeys);
    } catch (error) {
      if (!(error instanceof UndecryptableEventError)) throw error;
      const views: E[] = [];
      for (const event of events) {
        try {
          views.push(...(await decryptEvents([event], this.options.dataKeys)));
        } catch (one) {
          if (!(one instanceof UndecryptableEventError)) throw one;
          this.options.logger?.warn?.(
            { eventId: one.eventId, reason: one.reason },
            'an event read for a decision does not decrypt; deciding on it as erased',
          );
          views.push(withPersonalFieldsErased(event));
        }
      }
      return views;
    } finally {
      this.counters.decryptMs += performance.now() - started;
    }
  }

  private settle(
    stream: string,
    aggregate: object,
    jobs: Job[],
    decided: Decided[],
    deferred: Deferred[],
    outcomes: AppendOutcome[],
  ): Job[] {
    const landed = outcomes.findIndex((o) => !o.ok);
    const okCount = landed === -1 ? outcomes.length : landed;
    if (okCount > 0) {
      const last = decided[okCount - 1]!;
      const result = (outcomes[okCount - 1] as { ok: true; result: AppendResult }).result;
      if (result.nextExpectedRevision === last.revision)
        this.cache.confirm(stream, { aggregate, folded: last.state, revision: last.revision });
      else this.cache.forget(stream);
      // the stream exists now: a fact for commands of other streams (LogSymptom needs its patient)
      this.cache.exists(stream);
    }
    // another writer got there first (or the store failed): the next round must read
    if (okCount < outcomes.length) this.cache.markStale(stream);
    const again: Job[] = [];
    decided.forEach((d, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        d.job.resolve(accepted(stream, d.events, outcome.result));
      } else if (outcome.error instanceof WrongExpectedVersion && d.job.meta.expectedRevision === undefined) {
        // the first failure lost a race to another writer; the ones after it were not tried
        if (i === okCount) d.job.attempts++;
        again.push(d.job);
      } else {
        d.job.reject(outcome.error);
      }
    });
    for (const d of deferred) {
      if (okCount >= d.after) d.job.reject(d.error);
      else again.push(d.job);
    }
    return again.sort((a, b) => jobs.indexOf(a) - jobs.indexOf(b));
  }

  private contextFor(prepared: PreparedCommand, now: Date, existing: ReadonlySet<string>): CommandContext {
    const facts = Object.fromEntries(
      prepared.requires.map((r) => [r.fact, existing.has(r.streamId) || this.cache.knownToExist(r.streamId)]),
    );
    return { now, generatedId: randomUUID(), isKnownSymptom: this.options.isKnownSymptom, ...facts };
  }
}

/** The subjects whose keys a command's events need: those of events that carry a personal field. */
function subjectsToSeal(events: readonly EventToAppend[]): Set<string> {
  const subjects = new Set<string>();
  for (const event of events) {
    const spec = personalFieldsOf(event.type);
    if (!spec?.subject || !spec.fields.some((field) => field in event.data)) continue;
    const subject = event.data[spec.subject];
    if (typeof subject === 'string') subjects.add(subject);
  }
  return subjects;
}

/** An event as the log stores it: a fresh id, the command's data and the envelope's metadata. */
function envelope(event: DecidedEvent, job: Job): EventToAppend {
  return {
    id: randomUUID(),
    type: event.type,
    data: { ...event.data },
    metadata: {
      actor: job.meta.actor,
      correlationId: job.meta.correlationId,
      causationId: job.meta.commandId,
      commandName: job.commandName,
      occurredAt: event.occurredAt.toISOString(),
      schemaVersion: EVENT_SCHEMA_VERSION,
    },
  };
}

function accepted(stream: string, events: EventToAppend[], result: AppendResult): CommandAccepted {
  return {
    streamId: stream,
    nextExpectedRevision: Number(result.nextExpectedRevision),
    position: positionToString(result.position),
    events: events.map((e) => ({ id: e.id!, type: e.type })),
  };
}

/** Full jitter: a random delay below the capped exponential bound. */
function backoff(policy: RetryPolicy, attempt: number): Promise<void> {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
}
