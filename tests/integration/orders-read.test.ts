import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { bearer, seedUser } from '../helpers/user-fixtures';
import { createOrdersTestApp, seedOrder } from '../helpers/order-fixtures';

describe('GET /orders/{id}', () => {
  const { app } = createOrdersTestApp();

  it('returns 200 with the order and its ETag to the owner', async () => {
    // Arrange
    const owner = await seedUser();
    const order = await seedOrder(app, owner.id);

    // Act
    const response = await request(app)
      .get(`/orders/${order.id}`)
      .set(await bearer(owner.id));

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { etag: '"v1"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.body).toEqual(order);
  });

  it("returns 200 with any user's order to an admin", async () => {
    // Arrange
    const owner = await seedUser();
    const admin = await seedUser({ role: 'admin' });
    const order = await seedOrder(app, owner.id);

    // Act
    const response = await request(app)
      .get(`/orders/${order.id}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 200, headers: { etag: '"v1"' }, body: order });
  });

  it("returns 404 for another user's order, exactly as for an order that does not exist", async () => {
    // Arrange
    const owner = await seedUser();
    const other = await seedUser();
    const order = await seedOrder(app, owner.id);

    // Act
    const foreign = await request(app)
      .get(`/orders/${order.id}`)
      .set(await bearer(other.id));
    const missing = await request(app)
      .get(`/orders/${randomUUID()}`)
      .set(await bearer(other.id));

    // Assert
    const notFound = { status: 404, code: 'ORDER_NOT_FOUND', title: 'Not Found', detail: 'Order not found' };
    expect(foreign).toMatchObject({ status: 404, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body: notFound });
    expect(missing).toMatchObject({ status: 404, body: notFound });
    expect(foreign.headers['etag']).toBeUndefined();
  });

  it('returns 400 for an id that is not a UUID, and 401 without a token', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const malformed = await request(app)
      .get('/orders/not-an-id')
      .set(await bearer(user.id));
    const anonymous = await request(app).get(`/orders/${randomUUID()}`);

    // Assert
    expect(malformed).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'id', message: 'must be an order id (a UUID)' }] },
    });
    expect(anonymous).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
  });

  it.each(['put', 'patch', 'delete'] as const)('returns 405 with Allow for %s', async (method) => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      [method](`/orders/${randomUUID()}`)
      .set(await bearer(user.id));

    // Assert
    expect(response).toMatchObject({
      status: 405,
      headers: { allow: expect.stringContaining('GET'), 'content-type': PROBLEM_CONTENT_TYPE },
    });
  });
});
