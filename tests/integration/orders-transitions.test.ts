import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { bearer, seedUser } from '../helpers/user-fixtures';
import { createOrdersTestApp, rawOrderItem, seedOrder } from '../helpers/order-fixtures';

type Action = 'cancel' | 'pay' | 'ship';

async function act(app: Express, action: Action, id: string, userId: string): Promise<request.Response> {
  return request(app)
    .post(`/orders/${id}/${action}`)
    .set(await bearer(userId));
}

describe('order transitions: POST /orders/{id}/cancel|pay|ship', () => {
  const { app, client } = createOrdersTestApp();

  /** An order of `ownerId` brought to `status` through the API. */
  async function orderIn(
    status: 'pending' | 'paid' | 'shipped' | 'cancelled',
    ownerId: string,
  ): Promise<{ id: string }> {
    const order = await seedOrder(app, ownerId);
    const admin = await seedUser({ role: 'admin' });
    if (status === 'cancelled') expect((await act(app, 'cancel', order.id, ownerId)).status).toBe(200);
    if (status === 'paid' || status === 'shipped') expect((await act(app, 'pay', order.id, ownerId)).status).toBe(200);
    if (status === 'shipped') expect((await act(app, 'ship', order.id, admin.id)).status).toBe(200);
    return order;
  }

  describe('success', () => {
    it.each([
      ['cancel', 'the owner', 'pending', 'cancelled'],
      ['cancel', 'an admin', 'pending', 'cancelled'],
      ['pay', 'the owner', 'pending', 'paid'],
      ['ship', 'an admin', 'paid', 'shipped'],
    ] as const)('%s by %s: 200 with the order now %s→%s, a new ETag and updatedAt', async (action, who, from, to) => {
      // Arrange
      const owner = await seedUser();
      const actor = who === 'the owner' ? owner : await seedUser({ role: 'admin' });
      const order = await orderIn(from, owner.id);
      const before = (
        await request(app)
          .get(`/orders/${order.id}`)
          .set(await bearer(owner.id))
      ).body as { updatedAt: string };
      const versionBefore = (await rawOrderItem(client, order.id))?.['version'] as number;

      // Act
      const response = await act(app, action, order.id, actor.id);

      // Assert
      expect(response).toMatchObject({
        status: 200,
        headers: { etag: `"v${versionBefore + 1}"`, 'content-type': 'application/json; charset=utf-8' },
        body: { ...before, status: to, updatedAt: expect.any(String) },
      });
      expect(Date.parse((response.body as { updatedAt: string }).updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(before.updatedAt),
      );
      expect(await rawOrderItem(client, order.id)).toMatchObject({ status: to, version: versionBefore + 1 });
    });

    it('moves the order between the status listings', async () => {
      // Arrange
      const owner = await seedUser();
      const order = await seedOrder(app, owner.id);

      // Act
      await act(app, 'pay', order.id, owner.id);

      // Assert
      const auth = await bearer(owner.id);
      const pending = await request(app).get('/orders?status=pending').set(auth);
      const paid = await request(app).get('/orders?status=paid').set(auth);
      expect(pending.body).toEqual({ items: [], nextCursor: null });
      expect(paid.body).toEqual({
        items: [expect.objectContaining({ id: order.id, status: 'paid' })],
        nextCursor: null,
      });
    });
  });

  describe('409 unless the order is in the status the action starts from', () => {
    it.each([
      ['cancel', 'paid', 'The order is paid; only a pending order can be cancelled'],
      ['cancel', 'shipped', 'The order is shipped; only a pending order can be cancelled'],
      ['cancel', 'cancelled', 'The order is cancelled; only a pending order can be cancelled'],
      ['pay', 'paid', 'The order is paid; only a pending order can be paid'],
      ['pay', 'cancelled', 'The order is cancelled; only a pending order can be paid'],
      ['pay', 'shipped', 'The order is shipped; only a pending order can be paid'],
      ['ship', 'pending', 'The order is pending; only a paid order can be shipped'],
      ['ship', 'cancelled', 'The order is cancelled; only a paid order can be shipped'],
      ['ship', 'shipped', 'The order is shipped; only a paid order can be shipped'],
    ] as const)('%s on a %s order: 409, the order unchanged', async (action, status, detail) => {
      // Arrange
      const owner = await seedUser();
      const admin = await seedUser({ role: 'admin' });
      const order = await orderIn(status, owner.id);
      const before = await rawOrderItem(client, order.id);

      // Act
      const response = await act(app, action, order.id, action === 'ship' ? admin.id : owner.id);

      // Assert
      expect(response).toMatchObject({
        status: 409,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: { status: 409, code: 'ORDER_STATUS_CONFLICT', detail },
      });
      expect(await rawOrderItem(client, order.id)).toEqual(before);
    });

    it("lets exactly one of a concurrent cancel and pay win; the other gets 409 and the order holds the winner's status", async () => {
      // Arrange
      const owner = await seedUser();
      const order = await seedOrder(app, owner.id);

      // Act
      const [cancel, pay] = await Promise.all([
        act(app, 'cancel', order.id, owner.id),
        act(app, 'pay', order.id, owner.id),
      ]);

      // Assert
      const statuses = [cancel.status, pay.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = cancel.status === 200 ? cancel : pay;
      const loser = cancel.status === 200 ? pay : cancel;
      const finalStatus = (winner.body as { status: string }).status;
      expect(loser.body).toMatchObject({
        code: 'ORDER_STATUS_CONFLICT',
        detail: expect.stringContaining(`The order is ${finalStatus};`),
      });
      expect(await rawOrderItem(client, order.id)).toMatchObject({ status: finalStatus, version: 2 });
    });

    it('lets exactly one of many concurrent transitions on one order win', async () => {
      // Arrange
      const owner = await seedUser();
      const order = await seedOrder(app, owner.id);

      // Act
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => act(app, index % 2 === 0 ? 'cancel' : 'pay', order.id, owner.id)),
      );

      // Assert
      expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
      expect(responses.filter((response) => response.status === 409)).toHaveLength(9);
      expect(await rawOrderItem(client, order.id)).toMatchObject({ version: 2 });
    });
  });

  describe('who may act', () => {
    it("returns 403 when an admin pays for another user's order (paying is the owner's act), the order unchanged", async () => {
      // Arrange
      const owner = await seedUser();
      const admin = await seedUser({ role: 'admin' });
      const order = await seedOrder(app, owner.id);

      // Act
      const response = await act(app, 'pay', order.id, admin.id);

      // Assert
      expect(response).toMatchObject({
        status: 403,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: { code: 'FORBIDDEN', detail: 'Only the owner may pay an order' },
      });
      expect(await rawOrderItem(client, order.id)).toMatchObject({ status: 'pending', version: 1 });
    });

    it('returns 403 when a user ships, even their own paid order, and for an id that does not exist (no existence oracle)', async () => {
      // Arrange
      const owner = await seedUser();
      const order = await orderIn('paid', owner.id);

      // Act
      const own = await act(app, 'ship', order.id, owner.id);
      const missing = await act(app, 'ship', randomUUID(), owner.id);

      // Assert
      const forbidden = { status: 403, code: 'FORBIDDEN', detail: 'Only an admin may ship an order' };
      expect(own).toMatchObject({ status: 403, body: forbidden });
      expect(missing).toMatchObject({ status: 403, body: forbidden });
      expect(await rawOrderItem(client, order.id)).toMatchObject({ status: 'paid', version: 2 });
    });

    it.each(['cancel', 'pay', 'ship'] as const)(
      '%s: 404 for an order that does not exist, 400 for an id that is not a UUID, 401 without a token',
      async (action) => {
        // Arrange
        const user = await seedUser({ role: action === 'ship' ? 'admin' : 'user' });

        // Act
        const missing = await act(app, action, randomUUID(), user.id);
        const malformed = await act(app, action, 'nope', user.id);
        const anonymous = await request(app).post(`/orders/${randomUUID()}/${action}`);

        // Assert
        expect(missing).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
        expect(malformed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
        expect(anonymous).toMatchObject({ status: 401 });
      },
    );

    it.each(['cancel', 'pay', 'ship'] as const)('%s: 405 with Allow: POST for GET', async (action) => {
      // Arrange
      const user = await seedUser();

      // Act
      const response = await request(app)
        .get(`/orders/${randomUUID()}/${action}`)
        .set(await bearer(user.id));

      // Assert
      expect(response).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    });
  });

  describe("another user's order (BOLA): 404 and no side effect on every {id} route", () => {
    it.each(['cancel', 'pay'] as const)(
      '%s by another user: 404 like a missing order, the order unchanged',
      async (action) => {
        // Arrange
        const owner = await seedUser();
        const intruder = await seedUser();
        const order = await seedOrder(app, owner.id);
        const before = await rawOrderItem(client, order.id);

        // Act
        const response = await act(app, action, order.id, intruder.id);

        // Assert
        expect(response).toMatchObject({
          status: 404,
          body: { status: 404, code: 'ORDER_NOT_FOUND', detail: 'Order not found' },
        });
        expect(await rawOrderItem(client, order.id)).toEqual(before);
      },
    );

    it('ship by another (non-admin) user: 403 before any lookup, the paid order unchanged', async () => {
      // Arrange
      const owner = await seedUser();
      const intruder = await seedUser();
      const order = await orderIn('paid', owner.id);
      const before = await rawOrderItem(client, order.id);

      // Act
      const response = await act(app, 'ship', order.id, intruder.id);

      // Assert
      expect(response).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect(await rawOrderItem(client, order.id)).toEqual(before);
    });

    it('GET by another user: 404, and the response carries nothing of the order', async () => {
      // Arrange
      const owner = await seedUser();
      const intruder = await seedUser();
      const order = await seedOrder(app, owner.id);

      // Act
      const response = await request(app)
        .get(`/orders/${order.id}`)
        .set(await bearer(intruder.id));

      // Assert
      expect(response).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
      expect(JSON.stringify(response.body)).not.toContain(owner.id);
      expect(response.headers['etag']).toBeUndefined();
    });
  });
});
