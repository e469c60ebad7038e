/**
 * The engine's typed errors. Each carries a stable `code` and a `status` class, so the one
 * exception filter of the HTTP edge (apps/api/errors/problem.ts) maps all of them in one place.
 */
export abstract class ProjectionEngineError extends Error {
  /** stable machine-readable code, the problem's `code` */
  abstract readonly code: string;
  /** what the caller did wrong, if anything: `not_found` (404), `conflict` (409), `internal` (500) */
  abstract readonly kind: 'not_found' | 'conflict' | 'internal';

  constructor(
    readonly projection: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No projection of that name. */
export class UnknownProjection extends ProjectionEngineError {
  readonly code = 'not_found';
  readonly kind = 'not_found';
  constructor(projection: string) {
    super(projection, `no projection named ${projection}`);
  }
}

/** A rebuild is already running for this projection. */
export class RebuildInProgress extends ProjectionEngineError {
  readonly code = 'rebuild_in_progress';
  readonly kind = 'conflict';
  constructor(projection: string) {
    super(projection, `a rebuild of ${projection} is already running`);
  }
}

/** Rollback asked for a projection that has no previous tables. */
export class NoPreviousTables extends ProjectionEngineError {
  readonly code = 'no_previous_tables';
  readonly kind = 'conflict';
  constructor(projection: string) {
    super(projection, `projection ${projection} has no previous tables to roll back to`);
  }
}

/** A runner wrote with a fence it no longer holds: another runner has taken the projection. */
export class LostTurn extends ProjectionEngineError {
  readonly code = 'lost_turn';
  readonly kind = 'internal';
  constructor(projection: string) {
    super(projection, `projection ${projection}: another runner holds it now`);
  }
}
