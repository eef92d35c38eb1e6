import { DomainError } from './errors';
import type { OrderStatus } from './order';
import type { OrderAction } from './order-state';

/**
 * The orders module's errors (see `./errors.ts` for the family): stable codes, no status. The HTTP edge
 * (`src/routes/problem-map.ts`) decides what a client sees.
 */

/** No such order, or one the actor may not see (the two are deliberately indistinguishable). */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  constructor() {
    super('Order not found');
    this.name = 'OrderNotFoundError';
  }
}

/** The order is not in the status the action starts from (it may have just changed under a concurrent request). */
export class OrderStatusConflictError extends DomainError {
  readonly code = 'ORDER_STATUS_CONFLICT';
  constructor(
    readonly action: OrderAction,
    readonly status: OrderStatus,
    readonly requiredStatus: OrderStatus,
  ) {
    super(`The order is ${status}; only a ${requiredStatus} order can be ${PAST_TENSE[action]}`);
    this.name = 'OrderStatusConflictError';
  }
}

const PAST_TENSE: Readonly<Record<OrderAction, string>> = { cancel: 'cancelled', pay: 'paid', ship: 'shipped' };

/** A request with the same idempotency key is still being processed (or crashed less than the in-progress expiry ago). */
export class IdempotencyKeyInProgressError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_IN_PROGRESS';
  constructor(readonly retryAfterSeconds: number) {
    super('a request with this idempotency key is still in progress');
    this.name = 'IdempotencyKeyInProgressError';
  }
}

/** The idempotency key was first used with a different payload: a client bug, never replayed. */
export class IdempotencyKeyMismatchError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('the idempotency key was used with a different payload');
    this.name = 'IdempotencyKeyMismatchError';
  }
}
