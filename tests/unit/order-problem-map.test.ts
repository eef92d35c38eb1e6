import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyMismatchError,
  OrderNotFoundError,
  OrderStatusConflictError,
} from '../../src/domain/order-errors';
import { problemMap } from '../../src/routes/problem-map';

describe('the problem map: orders', () => {
  const problemFor = problemMap({ isStoreUnavailable: () => false });

  it.each([
    [new OrderNotFoundError(), 404, 'ORDER_NOT_FOUND', 'Order not found', {}],
    [
      new OrderStatusConflictError('ship', 'pending', 'paid'),
      409,
      'ORDER_STATUS_CONFLICT',
      'The order is pending; only a paid order can be shipped',
      {},
    ],
    [
      new IdempotencyKeyInProgressError(7),
      409,
      'IDEMPOTENCY_KEY_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry later',
      { 'Retry-After': '7' },
    ],
    [
      new IdempotencyKeyMismatchError(),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request payload',
      {},
    ],
  ])('maps %p to %i %s', (error, status, code, message, headers) => {
    expect(problemFor(error)).toMatchObject({ status, code, message, headers, expose: true });
  });
});
