import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { DynamoDbOrderRepository } from '../../src/data/dynamodb-order-repository';
import { payloadFingerprint } from '../../src/domain/idempotency';
import { readOrderDraft } from '../../src/domain/order';
import { createTestApp } from '../helpers/test-app';
import { TEST_TABLE_NAME } from '../helpers/test-environment';
import { bearer, seedUser } from '../helpers/user-fixtures';
import {
  createOrdersTestApp,
  listAllOrders,
  newIdempotencyKey,
  orderDraft,
  placeOrder,
  rawIdempotencyRecord,
  rawOrderItem,
} from '../helpers/order-fixtures';

describe('POST /orders', () => {
  const { app, orderCommands, client } = createOrdersTestApp();
  const repository = new DynamoDbOrderRepository(client, TEST_TABLE_NAME);

  /** Claims `key` as a concurrent request would, in progress until `inProgressExpiresAtMs`. */
  async function claimAsAnotherRequest(
    userId: string,
    key: string,
    draft: unknown,
    inProgressExpiresAtMs: number,
  ): Promise<void> {
    const outcome = await repository.claimIdempotencyKey(
      {
        userId,
        key,
        payloadHash: payloadFingerprint(readOrderDraft(draft)),
        orderId: randomUUID(),
        inProgressExpiresAtMs,
        expiresAtSeconds: Math.floor(Date.now() / 1_000) + 86_400,
      },
      Date.now() - 60_000,
    );
    if (!outcome.claimed) throw new Error('the key was taken already');
  }

  it('returns 201 with the order, its Location and ETag; the server sets id, owner, status and the total in minor units', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await placeOrder(app, user.id);

    // Assert
    const order = response.body as { id: string; createdAt: string };
    expect(response).toMatchObject({
      status: 201,
      headers: { location: `/orders/${order.id}`, etag: '"v1"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      userId: user.id,
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: 1_999 },
        { sku: 'SKU-2', quantity: 1, unitPrice: 500 },
      ],
      currency: 'EUR',
      total: 4_498,
      status: 'pending',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: order.createdAt,
    });
    expect(await rawOrderItem(client, order.id)).toMatchObject({
      userId: user.id,
      total: 4_498,
      status: 'pending',
      version: 1,
    });
  });

  it('computes the largest total the limits allow (50 × 1000 × 10^9 = 5 × 10^13) exactly', async () => {
    // Arrange
    const user = await seedUser();
    const items = Array.from({ length: 50 }, (_, index) => ({
      sku: `MAX-${index}`,
      quantity: 1_000,
      unitPrice: 1_000_000_000,
    }));

    // Act
    const response = await placeOrder(app, user.id, { items, currency: 'JPY' });

    // Assert
    expect(response).toMatchObject({ status: 201, body: { total: 50_000_000_000_000, currency: 'JPY' } });
  });

  it('accepts a free item (unitPrice 0) and the boundary values of every limit', async () => {
    // Arrange
    const user = await seedUser();
    const body = {
      items: [
        { sku: 'A', quantity: 1, unitPrice: 0 },
        { sku: 'Z'.repeat(32), quantity: 1_000, unitPrice: 1 },
      ],
      currency: 'USD',
    };

    // Act
    const response = await placeOrder(app, user.id, body);

    // Assert
    expect(response).toMatchObject({ status: 201, body: { total: 1_000, items: body.items } });
  });

  it('returns 401 without a token, and stores nothing', async () => {
    // Arrange
    const before = orderCommands.length;

    // Act
    const response = await request(app).post('/orders').set('Idempotency-Key', newIdempotencyKey()).send(orderDraft());

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(orderCommands.length).toBe(before);
  });

  describe('validation: 400, and nothing reaches DynamoDB', () => {
    const item = (overrides: Record<string, unknown>): Record<string, unknown> => ({
      sku: 'SKU-1',
      quantity: 1,
      unitPrice: 100,
      ...overrides,
    });
    const INTEGER_TYPE_CASES: [string, unknown][] = [
      ['-1', -1],
      ['1.5', 1.5],
      ['"10" (a string)', '10'],
      ['true', true],
      ['null', null],
      ['an array', [1]],
      ['an object', { value: 1 }],
    ];

    it.each([
      ...INTEGER_TYPE_CASES.map(([label, value]): [string, unknown, string] => [
        `quantity ${label}`,
        orderDraft({ items: [item({ quantity: value })] }),
        'items[0].quantity',
      ]),
      ...INTEGER_TYPE_CASES.map(([label, value]): [string, unknown, string] => [
        `unitPrice ${label}`,
        orderDraft({ items: [item({ unitPrice: value })] }),
        'items[0].unitPrice',
      ]),
      ['quantity 0', orderDraft({ items: [item({ quantity: 0 })] }), 'items[0].quantity'],
      ['quantity 1001', orderDraft({ items: [item({ quantity: 1_001 })] }), 'items[0].quantity'],
      ['unitPrice 10^9 + 1', orderDraft({ items: [item({ unitPrice: 1_000_000_001 })] }), 'items[0].unitPrice'],
      ['a lowercase sku', orderDraft({ items: [item({ sku: 'sku-1' })] }), 'items[0].sku'],
      ['a 33-character sku', orderDraft({ items: [item({ sku: 'A'.repeat(33) })] }), 'items[0].sku'],
      ['an empty sku', orderDraft({ items: [item({ sku: '' })] }), 'items[0].sku'],
      ['a numeric sku', orderDraft({ items: [item({ sku: 123 })] }), 'items[0].sku'],
      ['an item without a sku', orderDraft({ items: [{ quantity: 1, unitPrice: 1 }] }), 'items[0].sku'],
      ['an unknown item field', orderDraft({ items: [item({ discount: 5 })] }), 'items[0].discount'],
      ['an item that is not an object', orderDraft({ items: ['SKU-1'] }), 'items[0]'],
      ['no items', orderDraft({ items: [] }), 'items'],
      ['51 items', orderDraft({ items: Array.from({ length: 51 }, () => item({})) }), 'items'],
      ['items as an object', orderDraft({ items: item({}) }), 'items'],
      ['a lowercase currency', orderDraft({ currency: 'eur' }), 'currency'],
      ['a four-letter currency', orderDraft({ currency: 'EURO' }), 'currency'],
      ['a numeric currency', orderDraft({ currency: 978 }), 'currency'],
      ['a currency in an array', orderDraft({ currency: ['EUR'] }), 'currency'],
      ['no currency', { items: [item({})] }, 'currency'],
      ['an id', orderDraft({ id: '3f1e8f9e-1d7b-4c55-9d63-1c1c2b3f4a5b' }), 'id'],
      ['a userId', orderDraft({ userId: '3f1e8f9e-1d7b-4c55-9d63-1c1c2b3f4a5b' }), 'userId'],
      ['a status', orderDraft({ status: 'paid' }), 'status'],
      ['a total', orderDraft({ total: 1 }), 'total'],
      ['an unknown field', orderDraft({ coupon: 'FREE' }), 'coupon'],
      ['a JSON array body', [orderDraft()], 'body'],
    ])('refuses %s', async (_label, body, field) => {
      // Arrange
      const user = await seedUser();
      const before = orderCommands.length;

      // Act
      const response = await placeOrder(app, user.id, body);

      // Assert
      expect(response).toMatchObject({
        status: 400,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: {
          status: 400,
          code: 'VALIDATION_FAILED',
          errors: expect.arrayContaining([{ field, message: expect.any(String) }]),
        },
      });
      expect(orderCommands.slice(before)).toEqual([]);
    });

    it('refuses 1e400 (which JSON.parse makes Infinity) as a quantity and as a unit price', async () => {
      // Arrange
      const user = await seedUser();
      const before = orderCommands.length;
      const text = '{"items":[{"sku":"SKU-1","quantity":1e400,"unitPrice":1e400}],"currency":"EUR"}';

      // Act
      const response = await request(app)
        .post('/orders')
        .set(await bearer(user.id))
        .set('Idempotency-Key', newIdempotencyKey())
        .set('Content-Type', 'application/json')
        .send(text);

      // Assert
      expect(response).toMatchObject({
        status: 400,
        body: {
          code: 'VALIDATION_FAILED',
          errors: [
            { field: 'items[0].quantity', message: 'must be an integer from 1 to 1000' },
            { field: 'items[0].unitPrice', message: 'must be an integer from 0 to 1000000000 (minor units)' },
          ],
        },
      });
      expect(orderCommands.slice(before)).toEqual([]);
    });

    it.each([
      ['missing', undefined, 'is required'],
      ['empty', '', 'is required'],
      ['129 characters long', 'k'.repeat(129), 'must be 1 to 128 visible ASCII characters'],
      ['holding a space', 'two words', 'must be 1 to 128 visible ASCII characters'],
      ['holding non-ASCII', 'clé', 'must be 1 to 128 visible ASCII characters'],
    ])('refuses an Idempotency-Key that is %s, reporting body violations with it', async (_label, key, message) => {
      // Arrange
      const user = await seedUser();
      const before = orderCommands.length;
      let call = request(app)
        .post('/orders')
        .set(await bearer(user.id));
      if (key !== undefined) call = call.set('Idempotency-Key', key);

      // Act
      const response = await call.send(orderDraft({ currency: 'eur' }));

      // Assert
      expect(response).toMatchObject({
        status: 400,
        body: {
          code: 'VALIDATION_FAILED',
          errors: [
            { field: 'Idempotency-Key', message },
            { field: 'currency', message: 'must be an ISO 4217 code: three uppercase letters' },
          ],
        },
      });
      expect(orderCommands.slice(before)).toEqual([]);
    });

    it('returns 415 for a body that is not JSON', async () => {
      // Arrange
      const user = await seedUser();

      // Act
      const response = await request(app)
        .post('/orders')
        .set(await bearer(user.id))
        .set('Idempotency-Key', newIdempotencyKey())
        .set('Content-Type', 'text/plain')
        .send('items=1');

      // Assert
      expect(response).toMatchObject({ status: 415, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the same status, body and Location for the same key and payload, marked Idempotent-Replayed, with no second order', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);

      // Act
      const retry = await placeOrder(app, user.id, orderDraft(), key);

      // Assert
      expect(first.status).toBe(201);
      expect(retry).toMatchObject({
        status: 201,
        headers: { location: first.headers['location'], 'idempotent-replayed': 'true' },
      });
      expect(first.headers['etag']).toBe('"v1"');
      expect(retry.headers['etag']).toBeUndefined();
      expect(retry.body).toEqual(first.body);
      expect(await listAllOrders(app, user.id)).toEqual([
        expect.objectContaining({ id: (first.body as { id: string }).id }),
      ]);
    });

    it('replays the response as it was, even after the order changed', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);
      const id = (first.body as { id: string }).id;
      await request(app)
        .post(`/orders/${id}/pay`)
        .set(await bearer(user.id));

      // Act
      const retry = await placeOrder(app, user.id, orderDraft(), key);

      // Assert
      expect(retry).toMatchObject({ status: 201, body: { id, status: 'pending' } });
      expect(retry.body).toEqual(first.body);
    });

    it('gives no ETag on a replay once the order has changed, so no stale version reaches a conditional request', async () => {
      // Arrange: the order is paid (version 2) after it was placed (version 1)
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);
      const id = (first.body as { id: string }).id;
      const paid = await request(app)
        .post(`/orders/${id}/pay`)
        .set(await bearer(user.id));

      // Act
      const retry = await placeOrder(app, user.id, orderDraft(), key);
      const current = await request(app)
        .get(`/orders/${id}`)
        .set(await bearer(user.id));

      // Assert
      expect(first.headers['etag']).toBe('"v1"');
      expect(paid).toMatchObject({ status: 200, headers: { etag: '"v2"' } });
      expect(retry).toMatchObject({
        status: 201,
        headers: { location: `/orders/${id}`, 'idempotent-replayed': 'true' },
        body: { id, status: 'pending' },
      });
      expect(retry.headers['etag']).toBeUndefined();
      expect(current).toMatchObject({ status: 200, headers: { etag: '"v2"' }, body: { id, status: 'paid' } });
    });

    it('treats the same payload with its JSON fields in another order as the same payload', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);
      const reordered = {
        currency: 'EUR',
        items: [
          { unitPrice: 1_999, quantity: 2, sku: 'SKU-1' },
          { unitPrice: 500, sku: 'SKU-2', quantity: 1 },
        ],
      };

      // Act
      const retry = await placeOrder(app, user.id, reordered, key);

      // Assert
      expect(retry).toMatchObject({
        status: 201,
        headers: { 'idempotent-replayed': 'true' },
        body: first.body as object,
      });
    });

    it('accepts the key in the draft\'s Structured Field form ("…") as the same key as the bare one', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);

      // Act
      const quoted = await placeOrder(app, user.id, orderDraft(), `"${key}"`);

      // Assert
      expect(quoted).toMatchObject({
        status: 201,
        headers: { 'idempotent-replayed': 'true' },
        body: first.body as object,
      });
    });

    it('returns 422 for the same key with a different payload, and creates no second order', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const first = await placeOrder(app, user.id, orderDraft(), key);

      // Act
      const reused = await placeOrder(app, user.id, orderDraft({ currency: 'USD' }), key);

      // Assert
      expect(reused).toMatchObject({
        status: 422,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: {
          status: 422,
          code: 'IDEMPOTENCY_KEY_REUSED',
          detail: 'This Idempotency-Key was already used with a different request payload',
        },
      });
      expect(await listAllOrders(app, user.id)).toEqual([
        expect.objectContaining({ id: (first.body as { id: string }).id }),
      ]);
    });

    it("scopes keys per user: the same key from another user places that user's own order and never replays the first", async () => {
      // Arrange
      const alice = await seedUser();
      const bob = await seedUser();
      const key = newIdempotencyKey();
      const alices = await placeOrder(app, alice.id, orderDraft(), key);

      // Act
      const bobs = await placeOrder(app, bob.id, orderDraft(), key);

      // Assert
      expect(bobs).toMatchObject({ status: 201, body: { userId: bob.id } });
      expect(bobs.headers['idempotent-replayed']).toBeUndefined();
      expect((bobs.body as { id: string }).id).not.toBe((alices.body as { id: string }).id);
    });

    it('stores a record with the payload hash, the completed status, the response and a 24-hour TTL', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      const beforeSeconds = Math.floor(Date.now() / 1_000);

      // Act
      const response = await placeOrder(app, user.id, orderDraft(), key);

      // Assert
      const record = await rawIdempotencyRecord(client, user.id, key);
      expect(record).toMatchObject({
        status: 'COMPLETED',
        payloadHash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        orderId: (response.body as { id: string }).id,
        response: response.body as object,
      });
      expect(record?.['inProgressExpiresAt']).toBeUndefined();
      expect(record?.['expiresAt']).toBeGreaterThanOrEqual(beforeSeconds + 86_400);
      expect(record?.['expiresAt']).toBeLessThanOrEqual(Math.floor(Date.now() / 1_000) + 86_400);
    });

    it('returns 409 with Retry-After while a request with the same key and payload is still in progress', async () => {
      // Arrange: a first request that claimed the key and has not finished
      const user = await seedUser();
      const key = newIdempotencyKey();
      const nowMs = Date.now();
      await claimAsAnotherRequest(user.id, key, orderDraft(), nowMs + 30_000);

      // Act
      const response = await placeOrder(app, user.id, orderDraft(), key);

      // Assert
      expect(response).toMatchObject({
        status: 409,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': expect.stringMatching(/^([1-9]|[12]\d|30)$/) },
        body: { status: 409, code: 'IDEMPOTENCY_KEY_IN_PROGRESS' },
      });
      expect(await listAllOrders(app, user.id)).toEqual([]);
    });

    it('returns 422, not 409, for a different payload while the key is in progress (the payload is checked first)', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();
      await claimAsAnotherRequest(user.id, key, orderDraft(), Date.now() + 30_000);

      // Act
      const response = await placeOrder(app, user.id, orderDraft({ currency: 'GBP' }), key);

      // Assert
      expect(response).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    });

    it('takes over a key whose request crashed (in progress past its in-progress expiry) and places the order', async () => {
      // Arrange: a claim whose in-progress window has passed, as a request that died mid-way leaves it
      const user = await seedUser();
      const key = newIdempotencyKey();
      await claimAsAnotherRequest(user.id, key, orderDraft(), Date.now() - 1);

      // Act
      const response = await placeOrder(app, user.id, orderDraft(), key);

      // Assert
      expect(response).toMatchObject({ status: 201, body: { userId: user.id, status: 'pending' } });
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      expect(await rawIdempotencyRecord(client, user.id, key)).toMatchObject({
        status: 'COMPLETED',
        orderId: (response.body as { id: string }).id,
      });
    });

    it('creates exactly one order from 20 concurrent requests with one key; the others replay it or get 409', async () => {
      // Arrange
      const user = await seedUser();
      const key = newIdempotencyKey();

      // Act
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => placeOrder(app, user.id, orderDraft(), key)),
      );

      // Assert
      const orders = await listAllOrders(app, user.id);
      expect(orders).toHaveLength(1);
      const created = responses.filter((response) => response.status === 201);
      const inProgress = responses.filter((response) => response.status === 409);
      expect(created.length + inProgress.length).toBe(20);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const response of created) expect(response.body).toMatchObject({ id: orders[0]?.id });
      expect(created.filter((response) => response.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      for (const response of inProgress) {
        expect(response).toMatchObject({
          headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
          body: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS' },
        });
      }
    });
  });
});

describe('POST /orders from a browser on an allowed origin (CORS)', () => {
  const origin = 'https://shop.example.com';
  const { app } = createTestApp({ CORS_ORIGINS: origin });

  it('allows the Idempotency-Key header in the preflight and exposes Location, ETag and Idempotent-Replayed', async () => {
    // Act
    const preflight = await request(app)
      .options('/orders')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    const user = await seedUser();
    const placed = await placeOrder(app, user.id);

    // Assert
    expect(preflight).toMatchObject({
      status: 204,
      headers: { 'access-control-allow-headers': expect.stringContaining('Idempotency-Key') },
    });
    expect(placed.status).toBe(201);
    const actual = await request(app)
      .get('/orders')
      .set('Origin', origin)
      .set(await bearer(user.id));
    expect(actual.headers['access-control-expose-headers']?.split(',')).toEqual(
      expect.arrayContaining(['ETag', 'Location', 'Idempotent-Replayed']),
    );
  });
});
