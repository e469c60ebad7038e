/** One bad field of a command, by its JSON path (`kpis.pass_accuracy`). */
export type FieldError = { path: string; message: string };

/** Base of the domain's coded errors; the HTTP edge maps each code to a status. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** 400: the command is well-formed JSON but breaks a field rule. */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** 404: an aggregate the command needs does not exist. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`${aggregate} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** 409: the command conflicts with the aggregate's state (a business rule). */
export class ConflictError extends DomainError {
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.code = code;
    this.name = 'ConflictError';
  }
}
