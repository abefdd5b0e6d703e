/**
 * Errors with a stable code and an HTTP status, turned into an HTML page or a
 * JSON body by the one error handler. Anything else becomes a generic 500 with
 * details only in the log.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** A message key of the locale catalogues, shown to the user. */
    readonly messageKey: string,
    readonly details?: unknown,
  ) {
    super(code);
  }
}

export class NotFoundError extends AppError {
  constructor(details?: unknown) {
    super(404, 'not_found', 'error.notFound', details);
  }
}

export class BadRequestError extends AppError {
  constructor(messageKey = 'error.badRequest', details?: unknown) {
    super(400, 'bad_request', messageKey, details);
  }
}
