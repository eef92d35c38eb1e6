import { NotPermittedError, ValidationError } from '../../src/domain/errors';
import { payloadFingerprint } from '../../src/domain/idempotency';
import type { Order, OrderDraft, StoredOrder } from '../../src/domain/order';
import { IdempotencyKeyInProgressError, IdempotencyKeyMismatchError } from '../../src/domain/order-errors';
import type { ClaimOutcome, IdempotencyClaim, OrderRepository } from '../../src/domain/order-repository';
import { OrderService } from '../../src/domain/order-service';
import { PaginationCursorCodec } from '../../src/domain/pagination-cursor';
import type { Actor } from '../../src/domain/user';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const caller: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'user' };
const draft: OrderDraft = { items: [{ sku: 'A', quantity: 2, unitPrice: 3 }], currency: 'EUR' };

/** A repository whose calls are recorded, answering the claim with `claimOutcome`. */
function fakeRepository(
  overrides: Partial<OrderRepository> = {},
): OrderRepository & { claims: IdempotencyClaim[]; released: IdempotencyClaim[]; created: StoredOrder[] } {
  const claims: IdempotencyClaim[] = [];
  const released: IdempotencyClaim[] = [];
  const created: StoredOrder[] = [];
  return {
    claims,
    released,
    created,
    claimIdempotencyKey: async (claim): Promise<ClaimOutcome> => {
      claims.push(claim);
      return { claimed: true };
    },
    createCompletingClaim: async (order) => {
      created.push(order);
    },
    releaseClaim: async (claim) => {
      released.push(claim);
    },
    findById: async () => undefined,
    listByOwner: async () => ({ orders: [], next: undefined }),
    transition: async () => ({ applied: false, current: undefined }),
    ...overrides,
  };
}

function serviceWith(repository: OrderRepository): OrderService {
  return new OrderService({
    repository,
    cursors: new PaginationCursorCodec({ secret: 'unit-test-secret-unit-test-secret-unit-test', ttlSeconds: 60 }),
    now: () => NOW,
    newId: () => '22222222-2222-4222-8222-222222222222',
  });
}

describe('OrderService.placeOrder', () => {
  it('claims the key with the payload fingerprint, a 30 s in-progress expiry and a 24 h TTL, then creates the order', async () => {
    // Arrange
    const repository = fakeRepository();

    // Act
    const placed = await serviceWith(repository).placeOrder(caller, 'key-1', draft);

    // Assert
    expect(repository.claims).toEqual([
      {
        userId: caller.userId,
        key: 'key-1',
        payloadHash: payloadFingerprint(draft),
        orderId: '22222222-2222-4222-8222-222222222222',
        inProgressExpiresAtMs: NOW + 30_000,
        expiresAtSeconds: NOW / 1_000 + 86_400,
      },
    ]);
    expect(repository.created).toEqual([
      expect.objectContaining({ id: '22222222-2222-4222-8222-222222222222', total: 6, status: 'pending', version: 1 }),
    ]);
    expect(placed).toMatchObject({ replayed: false, version: 1, order: { total: 6, userId: caller.userId } });
  });

  it("releases its claim when creating the order fails, so that the client's retry can run at once", async () => {
    // Arrange
    const failure = new Error('DynamoDB went away');
    const repository = fakeRepository({ createCompletingClaim: async () => Promise.reject(failure) });

    // Act
    const attempt = serviceWith(repository).placeOrder(caller, 'key-1', draft);

    // Assert
    await expect(attempt).rejects.toBe(failure);
    expect(repository.released).toEqual(repository.claims);
  });

  it('does not release a claim it lost to another request', async () => {
    // Arrange
    const repository = fakeRepository({
      createCompletingClaim: async () => Promise.reject(new IdempotencyKeyInProgressError(1)),
    });

    // Act
    const attempt = serviceWith(repository).placeOrder(caller, 'key-1', draft);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyInProgressError);
    expect(repository.released).toEqual([]);
  });

  it('replays a completed record of the same payload without creating anything', async () => {
    // Arrange
    const response = { id: 'first' } as Order;
    const repository = fakeRepository({
      claimIdempotencyKey: async () => ({
        claimed: false,
        existing: { status: 'completed', payloadHash: payloadFingerprint(draft), response },
      }),
    });

    // Act
    const placed = await serviceWith(repository).placeOrder(caller, 'key-1', draft);

    // Assert
    expect(placed).toEqual({ order: response, replayed: true });
    expect(repository.created).toEqual([]);
  });

  it('tells a request that meets an in-progress record when to retry: the rest of the in-progress window', async () => {
    // Arrange
    const repository = fakeRepository({
      claimIdempotencyKey: async () => ({
        claimed: false,
        existing: {
          status: 'in-progress',
          payloadHash: payloadFingerprint(draft),
          inProgressExpiresAtMs: NOW + 12_300,
        },
      }),
    });

    // Act
    const attempt = serviceWith(repository).placeOrder(caller, 'key-1', draft);

    // Assert
    await expect(attempt).rejects.toMatchObject({ constructor: IdempotencyKeyInProgressError, retryAfterSeconds: 13 });
  });

  it.each(['in-progress', 'completed'] as const)(
    'refuses another payload under a key whose record is %s',
    async (status) => {
      // Arrange
      const existing =
        status === 'completed'
          ? ({ status, payloadHash: 'another', response: {} as Order } as const)
          : ({ status, payloadHash: 'another', inProgressExpiresAtMs: NOW + 1_000 } as const);
      const repository = fakeRepository({ claimIdempotencyKey: async () => ({ claimed: false, existing }) });

      // Act
      const attempt = serviceWith(repository).placeOrder(caller, 'key-1', draft);

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyMismatchError);
    },
  );

  it('validates the key and the payload before touching the repository', async () => {
    // Arrange
    const repository = fakeRepository();

    // Act
    const attempt = serviceWith(repository).placeOrder(caller, 'bad key', { ...draft, total: 6 });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      constructor: ValidationError,
      violations: [
        { field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters' },
        { field: 'total', message: 'is set by the server and may not be sent' },
      ],
    });
    expect(repository.claims).toEqual([]);
  });
});

describe('OrderService.listOrders', () => {
  it('refuses a user asking for another owner before reading anything', async () => {
    // Arrange
    const listByOwner = jest.fn(async () => ({ orders: [], next: undefined }));
    const service = serviceWith(fakeRepository({ listByOwner }));

    // Act
    const attempt = service.listOrders(caller, {
      limit: 10,
      cursor: undefined,
      status: undefined,
      userId: '33333333-3333-4333-8333-333333333333',
    });

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(NotPermittedError);
    expect(listByOwner).not.toHaveBeenCalled();
  });
});
