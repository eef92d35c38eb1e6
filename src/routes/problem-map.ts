import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableEntityError,
} from '@lambdalith/middleware';
import {
  EmailTakenError,
  ExistingAccountError,
  InvalidCredentialsError,
  InvalidListPositionError,
  LastAdminError,
  MalformedUserRecordError,
  NotPermittedError,
  StaleVersionError,
  StoreNotReadyError,
  UnconditionalChangeError,
  UserNotFoundError,
  ValidationError,
  VersionRequiredError,
  WriteContentionError,
  type DomainError,
} from '../domain/errors';
import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyMismatchError,
  OrderNotFoundError,
  OrderStatusConflictError,
} from '../domain/order-errors';
import { InvalidCursorError } from '../domain/pagination-cursor';

/**
 * The one place that decides which status, code and message a client gets for an error of the domain (the
 * middleware package's own errors carry theirs). "Why is this a 503?" has its answer here.
 */

/** An error class, whatever its constructor's parameters. */
type ErrorClass<E extends DomainError> = abstract new (...args: never[]) => E;

interface ProblemRow<E extends DomainError> {
  readonly error: ErrorClass<E>;
  // A method, so that a row of one class counts as a row of DomainError (it is only called with its own class).
  problem(error: E): HttpError;
}

function row<E extends DomainError>(error: ErrorClass<E>, problem: (error: E) => HttpError): ProblemRow<E> {
  return { error, problem };
}

// The cursor is opaque to clients: whether it was forged, expired or another caller's, they start again.
const INVALID_CURSOR = 'The cursor is invalid or has expired; start again from the first page';

/** Every domain error class, and the problem it becomes. A class without a row is a 500 (and a failing test). */
export const PROBLEM_TABLE: readonly ProblemRow<DomainError>[] = [
  row(
    ValidationError,
    (error) =>
      new BadRequestError('The request is invalid', {
        code: 'VALIDATION_FAILED',
        errors: error.violations,
      }),
  ),
  // One message for an unknown email, a wrong password and a locked account.
  row(
    InvalidCredentialsError,
    () =>
      new UnauthorizedError('Invalid email or password', {
        code: 'INVALID_CREDENTIALS',
      }),
  ),
  row(NotPermittedError, (error) => new ForbiddenError(error.message)),
  row(UserNotFoundError, () => new NotFoundError('User not found', { code: 'USER_NOT_FOUND' })),
  row(
    EmailTakenError,
    () =>
      new ConflictError('This email is already registered', {
        code: 'EMAIL_TAKEN',
      }),
  ),
  row(
    LastAdminError,
    () =>
      new ConflictError('The last admin cannot be demoted or deleted; make another user admin first', {
        code: 'LAST_ADMIN',
      }),
  ),
  // Only create-admin throws it today; were a route to, it is the same conflict as EMAIL_TAKEN.
  row(
    ExistingAccountError,
    () =>
      new ConflictError('This email is already registered', {
        code: 'EMAIL_TAKEN',
      }),
  ),
  row(
    InvalidCursorError,
    (error) =>
      new BadRequestError(INVALID_CURSOR, {
        code: 'INVALID_CURSOR',
        cause: error,
      }),
  ),
  row(
    InvalidListPositionError,
    (error) =>
      new BadRequestError(INVALID_CURSOR, {
        code: 'INVALID_CURSOR',
        cause: error,
      }),
  ),
  // Optimistic locking, spoken as HTTP conditional requests (RFC 9110 §13, RFC 6585 §3).
  row(VersionRequiredError, () => new PreconditionRequiredError()),
  row(
    UnconditionalChangeError,
    () =>
      new PreconditionRequiredError('If-Match must carry the ETag of the version being changed; "*" is not accepted'),
  ),
  row(StaleVersionError, (error) => new PreconditionFailedError(undefined, { cause: error })),
  // The store holds something that is not a user under this id: a fault of ours, for this record only (the
  // log has the id; an admin can still delete it).
  row(
    MalformedUserRecordError,
    (error) => new HttpError(500, 'USER_RECORD_MALFORMED', 'Internal server error', { cause: error }),
  ),
  row(
    WriteContentionError,
    (error) =>
      new ServiceUnavailableError('Too many concurrent changes to the same data; retry shortly', {
        cause: error,
        retryAfterSeconds: 1,
      }),
  ),
  // Orders. The status conflict's message names the order's status: only its owner or an admin ever sees it.
  row(OrderNotFoundError, () => new NotFoundError('Order not found', { code: 'ORDER_NOT_FOUND' })),
  row(OrderStatusConflictError, (error) => new ConflictError(error.message, { code: 'ORDER_STATUS_CONFLICT' })),
  // Idempotency-Key, as the IETF draft answers it: 409 while the first request runs, 422 for another payload.
  row(
    IdempotencyKeyInProgressError,
    (error) =>
      new ConflictError('A request with this Idempotency-Key is still being processed; retry later', {
        code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
        headers: { 'Retry-After': String(error.retryAfterSeconds) },
      }),
  ),
  row(
    IdempotencyKeyMismatchError,
    () =>
      new UnprocessableEntityError('This Idempotency-Key was already used with a different request payload', {
        code: 'IDEMPOTENCY_KEY_REUSED',
      }),
  ),
  row(
    StoreNotReadyError,
    (error) =>
      new ServiceUnavailableError(
        error.reason === 'unreachable' ? 'The database is not reachable' : 'The database table is not ready',
        error.reason === 'unreachable' ? { cause: error.cause, retryAfterSeconds: 2 } : { retryAfterSeconds: 2 },
      ),
  ),
];

export interface ProblemMapOptions {
  /**
   * Whether a failure of the store's client means "the store is unavailable right now" (a timeout, throttling,
   * a network error): those become a 503 with `Retry-After`. Supplied by the wiring from `src/data/`.
   */
  readonly isStoreUnavailable: (error: unknown) => boolean;
}

/**
 * `errorHandler()`'s `mapError`: the problem for a domain error or an unavailable store; `undefined` for
 * anything else (an `HttpError` keeps its own; the rest becomes a 500).
 *
 * @example
 * app.use(errorHandler({ logger, mapError: problemMap({ isStoreUnavailable: isDynamoDbUnavailable }) }));
 */
export function problemMap(options: ProblemMapOptions): (error: unknown) => HttpError | undefined {
  const { isStoreUnavailable } = options;
  return function problemFor(error) {
    for (const { error: errorClass, problem } of PROBLEM_TABLE) {
      if (error instanceof errorClass) return problem(error);
    }
    if (isStoreUnavailable(error)) {
      return new ServiceUnavailableError('The database is temporarily unavailable; retry shortly', {
        cause: error,
        retryAfterSeconds: 2,
      });
    }
    return undefined;
  };
}
