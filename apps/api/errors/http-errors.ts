import type { FieldError } from '../../../libs/domain/shared/errors.js';

/** An error the HTTP edge answers with as it stands: status, code and a safe message. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export class Unauthorized extends HttpProblem {
  constructor(detail = 'a valid Bearer key is required') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class Forbidden extends HttpProblem {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class ServiceUnavailable extends HttpProblem {
  constructor(detail: string, code = 'unavailable') {
    super(503, code, 'Service Unavailable', detail);
  }
}

export class BadRequest extends HttpProblem {
  constructor(detail: string, errors?: FieldError[], code = 'validation_failed') {
    super(400, code, 'Bad Request', detail, errors);
  }
}

export class NotFound extends HttpProblem {
  constructor(detail: string) {
    super(404, 'not_found', 'Not Found', detail);
  }
}

export class TooManyRequests extends HttpProblem {
  constructor(detail: string) {
    super(429, 'too_many_failed_authentications', 'Too Many Requests', detail);
  }
}
