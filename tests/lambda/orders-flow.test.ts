import { randomUUID } from 'node:crypto';
import { functionUrl, httpApiV2, type NormalizedResponse } from '@lambdalith/testing';
import { invoke, loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { seedUser, tokenFor } from '../helpers/user-fixtures';

loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false' }));

const ORDER = { items: [{ sku: 'LAMBDA-1', quantity: 3, unitPrice: 250 }], currency: 'EUR' };

// The v2 payload format: API Gateway HTTP APIs (what template.yaml deploys) and Function URLs.
describe.each([httpApiV2, functionUrl])('orders through the Lambda handler behind $name', (source) => {
  jest.setTimeout(30_000);

  async function as(userId: string): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await tokenFor(userId)}` };
  }

  async function place(userId: string, key: string, body: object = ORDER): Promise<NormalizedResponse> {
    return invoke(source, {
      method: 'POST',
      path: '/orders',
      headers: { ...(await as(userId)), 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
  }

  it('places an order, replays it for the same key, reads and lists it, pays, and an admin ships it', async () => {
    // Arrange
    const owner = await seedUser();
    const admin = await seedUser({ role: 'admin' });
    const key = randomUUID();

    // Act
    const placed = await place(owner.id, key);
    const order = JSON.parse(placed.body) as { id: string };
    const replayed = await place(owner.id, key);
    const read = await invoke(source, { method: 'GET', path: `/orders/${order.id}`, headers: await as(owner.id) });
    const listed = await invoke(source, {
      method: 'GET',
      path: '/orders?limit=5&status=pending',
      headers: await as(owner.id),
    });
    const paid = await invoke(source, { method: 'POST', path: `/orders/${order.id}/pay`, headers: await as(owner.id) });
    const shipped = await invoke(source, {
      method: 'POST',
      path: `/orders/${order.id}/ship`,
      headers: await as(admin.id),
    });

    // Assert
    expect(placed).toMatchObject({
      statusCode: 201,
      headers: { location: `/orders/${order.id}`, etag: '"v1"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(order).toEqual({
      id: expect.any(String),
      userId: owner.id,
      items: ORDER.items,
      currency: 'EUR',
      total: 750,
      status: 'pending',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(replayed).toMatchObject({
      statusCode: 201,
      headers: { location: `/orders/${order.id}`, 'idempotent-replayed': 'true' },
    });
    expect(replayed.headers?.['etag']).toBeUndefined();
    expect(JSON.parse(replayed.body)).toEqual(order);
    expect(read).toMatchObject({ statusCode: 200, headers: { etag: '"v1"' } });
    expect(JSON.parse(read.body)).toEqual(order);
    expect(listed.statusCode).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({ items: [order], nextCursor: null });
    expect(paid).toMatchObject({ statusCode: 200, headers: { etag: '"v2"' } });
    expect(JSON.parse(paid.body)).toMatchObject({ id: order.id, status: 'paid' });
    expect(shipped).toMatchObject({ statusCode: 200, headers: { etag: '"v3"' } });
    expect(JSON.parse(shipped.body)).toMatchObject({ id: order.id, status: 'shipped' });
  });

  it('answers a reused key with another payload with 422, and an invalid body with 400, as problems', async () => {
    // Arrange
    const owner = await seedUser();
    const key = randomUUID();
    await place(owner.id, key);

    // Act
    const reused = await place(owner.id, key, { ...ORDER, currency: 'USD' });
    const invalid = await place(owner.id, randomUUID(), {
      ...ORDER,
      items: [{ sku: 'LAMBDA-1', quantity: '3', unitPrice: 250 }],
    });

    // Assert
    expect(reused).toMatchObject({
      statusCode: 422,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
    expect(JSON.parse(reused.body)).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(invalid).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
    expect(JSON.parse(invalid.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'items[0].quantity', message: expect.any(String) }],
    });
  });

  it('gives another user 404 on every {id} route of the order, and 403 on ship, leaving it pending', async () => {
    // Arrange
    const owner = await seedUser();
    const intruder = await seedUser();
    const order = JSON.parse((await place(owner.id, randomUUID())).body) as { id: string };
    const headers = await as(intruder.id);

    // Act
    const responses = [
      await invoke(source, { method: 'GET', path: `/orders/${order.id}`, headers }),
      await invoke(source, { method: 'POST', path: `/orders/${order.id}/cancel`, headers }),
      await invoke(source, { method: 'POST', path: `/orders/${order.id}/pay`, headers }),
      await invoke(source, { method: 'POST', path: `/orders/${order.id}/ship`, headers }),
    ];

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual([404, 404, 404, 403]);
    for (const response of responses)
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const after = await invoke(source, { method: 'GET', path: `/orders/${order.id}`, headers: await as(owner.id) });
    expect(JSON.parse(after.body)).toMatchObject({ status: 'pending' });
    expect(after.headers['etag']).toBe('"v1"');
  });

  it('lets the owner cancel, then answers a second cancel with 409', async () => {
    // Arrange
    const owner = await seedUser();
    const order = JSON.parse((await place(owner.id, randomUUID())).body) as { id: string };

    // Act
    const cancelled = await invoke(source, {
      method: 'POST',
      path: `/orders/${order.id}/cancel`,
      headers: await as(owner.id),
    });
    const again = await invoke(source, {
      method: 'POST',
      path: `/orders/${order.id}/cancel`,
      headers: await as(owner.id),
    });

    // Assert
    expect(cancelled.statusCode).toBe(200);
    expect(JSON.parse(cancelled.body)).toMatchObject({ status: 'cancelled' });
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({
      code: 'ORDER_STATUS_CONFLICT',
      detail: 'The order is cancelled; only a pending order can be cancelled',
    });
  });

  it('creates one order from concurrent invocations with one key', async () => {
    // Arrange
    const owner = await seedUser();
    const key = randomUUID();

    // Act
    const responses = await Promise.all(Array.from({ length: 5 }, () => place(owner.id, key)));

    // Assert
    const ids = new Set(
      responses
        .filter((response) => response.statusCode === 201)
        .map((response) => (JSON.parse(response.body) as { id: string }).id),
    );
    expect(ids.size).toBe(1);
    expect(responses.every((response) => response.statusCode === 201 || response.statusCode === 409)).toBe(true);
    const listed = await invoke(source, { method: 'GET', path: '/orders', headers: await as(owner.id) });
    expect((JSON.parse(listed.body) as { items: unknown[] }).items).toHaveLength(1);
  });
});
