/**
 * One error family for every HTTP failure. Middleware, routes and services throw these; only
 * {@link errorHandler} turns them into responses. `expose` follows Middy/http-errors: messages of
 * client errors (status < 500) are safe to show, server errors are replaced by a generic message.
 */

/**
 * A field-level validation failure, reported in the problem body's `errors` array.
 *
 * @example
 * ```ts
 * const errors: FieldError[] = [{ field: 'email', message: 'Must be an email address' }];
 * ```
 */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * Options shared by every {@link HttpError}.
 *
 * @example
 * ```ts
 * throw new ConflictError('Email already registered', { code: 'EMAIL_TAKEN', cause: error });
 * ```
 */
export interface HttpErrorOptions {
  /** Diagnostics for the log only; never sent to the client. */
  readonly cause?: unknown;
  /** Extra response headers, such as `Allow`, `Retry-After` or `WWW-Authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Field errors to include in the problem body (validation failures). */
  readonly errors?: readonly FieldError[];
}

/**
 * Base class of the family: an HTTP status, a stable machine-readable `code`, and whether the message
 * may be shown to the client.
 *
 * @example
 * ```ts
 * throw new HttpError(418, 'TEAPOT', 'I refuse to brew coffee');
 * ```
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly errors: readonly FieldError[] | undefined;

  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.expose = status < 500;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }
}

/**
 * 400: the request is malformed or fails validation.
 * @example
 * ```ts
 * throw new BadRequestError('Invalid cursor', { code: 'INVALID_CURSOR' });
 * ```
 */
export class BadRequestError extends HttpError {
  constructor(message = 'Bad request', options: HttpErrorOptions & { code?: string } = {}) {
    super(400, options.code ?? 'BAD_REQUEST', message, options);
  }
}

/**
 * 401: missing or invalid credentials. Always carries `WWW-Authenticate: Bearer` (RFC 6750).
 * @example
 * ```ts
 * throw new UnauthorizedError('Invalid credentials');
 * ```
 */
export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required', options: HttpErrorOptions & { code?: string } = {}) {
    super(401, options.code ?? 'UNAUTHORIZED', message, {
      ...options,
      headers: { 'WWW-Authenticate': 'Bearer', ...options.headers },
    });
  }
}

/**
 * 403: authenticated, but not allowed.
 * @example
 * ```ts
 * throw new ForbiddenError('Admin role required');
 * ```
 */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden', options: HttpErrorOptions & { code?: string } = {}) {
    super(403, options.code ?? 'FORBIDDEN', message, options);
  }
}

/**
 * 404: no such resource (or none the caller may know about).
 * @example
 * ```ts
 * throw new NotFoundError('User not found');
 * ```
 */
export class NotFoundError extends HttpError {
  constructor(message = 'Not found', options: HttpErrorOptions & { code?: string } = {}) {
    super(404, options.code ?? 'NOT_FOUND', message, options);
  }
}

/**
 * 405: the path exists but not with this method. `allow` becomes the `Allow` header.
 * @example
 * ```ts
 * throw new MethodNotAllowedError(['GET', 'HEAD']);
 * ```
 */
export class MethodNotAllowedError extends HttpError {
  readonly allow: readonly string[];
  constructor(allow: readonly string[], options: HttpErrorOptions = {}) {
    super(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', {
      ...options,
      headers: { Allow: allow.join(', '), ...options.headers },
    });
    this.allow = allow;
  }
}

/**
 * 409: the request conflicts with the current state (for example, an email already taken).
 * @example
 * ```ts
 * throw new ConflictError('Email already registered', { code: 'EMAIL_TAKEN' });
 * ```
 */
export class ConflictError extends HttpError {
  constructor(message = 'Conflict', options: HttpErrorOptions & { code?: string } = {}) {
    super(409, options.code ?? 'CONFLICT', message, options);
  }
}

/**
 * 412: `If-Match` did not match the current version.
 * @example
 * ```ts
 * throw new PreconditionFailedError();
 * ```
 */
export class PreconditionFailedError extends HttpError {
  constructor(message = 'The resource has changed; fetch it again', options: HttpErrorOptions = {}) {
    super(412, 'PRECONDITION_FAILED', message, options);
  }
}

/**
 * 428: the request must be conditional (`If-Match`).
 * @example
 * ```ts
 * throw new PreconditionRequiredError('If-Match header required');
 * ```
 */
export class PreconditionRequiredError extends HttpError {
  constructor(message = 'This request requires an If-Match header', options: HttpErrorOptions = {}) {
    super(428, 'PRECONDITION_REQUIRED', message, options);
  }
}

/**
 * 413: the body is larger than the configured limit.
 * @example
 * ```ts
 * throw new PayloadTooLargeError();
 * ```
 */
export class PayloadTooLargeError extends HttpError {
  constructor(message = 'Request body too large', options: HttpErrorOptions = {}) {
    super(413, 'PAYLOAD_TOO_LARGE', message, options);
  }
}

/**
 * 415: the body is not in a media type the route accepts.
 * @example
 * ```ts
 * throw new UnsupportedMediaTypeError('Send application/json');
 * ```
 */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(message = 'Unsupported media type; send application/json', options: HttpErrorOptions = {}) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message, options);
  }
}

/**
 * 422: well-formed, but semantically unacceptable.
 * @example
 * ```ts
 * throw new UnprocessableEntityError('Order total must be positive');
 * ```
 */
export class UnprocessableEntityError extends HttpError {
  constructor(message = 'Unprocessable entity', options: HttpErrorOptions & { code?: string } = {}) {
    super(422, options.code ?? 'UNPROCESSABLE_ENTITY', message, options);
  }
}

/**
 * 429: rate limit exceeded. `retryAfterSeconds` becomes `Retry-After`.
 * @example
 * ```ts
 * throw new TooManyRequestsError(30);
 * ```
 */
export class TooManyRequestsError extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options: HttpErrorOptions = {}) {
    super(429, 'TOO_MANY_REQUESTS', 'Too many requests; retry later', {
      ...options,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))), ...options.headers },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 500: an unexpected failure. The message never reaches the client.
 * @example
 * ```ts
 * throw new InternalServerError('cache corrupted', { cause: err });
 * ```
 */
export class InternalServerError extends HttpError {
  constructor(message = 'Internal server error', options: HttpErrorOptions = {}) {
    super(500, 'INTERNAL_ERROR', message, options);
  }
}

/**
 * 503: a dependency (the database) is unavailable or too slow. Carries `Retry-After`.
 * @example
 * ```ts
 * throw new ServiceUnavailableError('DynamoDB timed out', { cause: err, retryAfterSeconds: 2 });
 * ```
 */
export class ServiceUnavailableError extends HttpError {
  constructor(
    message = 'Service temporarily unavailable',
    options: HttpErrorOptions & { retryAfterSeconds?: number } = {},
  ) {
    super(503, 'SERVICE_UNAVAILABLE', message, {
      ...options,
      headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1), ...options.headers },
    });
  }
}

/**
 * Narrows an unknown value to an {@link HttpError}.
 * @example
 * ```ts
 * if (isHttpError(err) && err.status === 404) { ... }
 * ```
 */
export function isHttpError(value: unknown): value is HttpError {
  return value instanceof HttpError;
}
