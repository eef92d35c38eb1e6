import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { bearer, seedUser } from '../helpers/user-fixtures';
import { createOrdersTestApp, listAllOrders, seedOrder } from '../helpers/order-fixtures';

interface Page {
  readonly items: { id: string; userId: string; status: string; createdAt: string }[];
  readonly nextCursor: string | null;
}

type PageResponse = Omit<request.Response, 'body'> & { body: Page };

async function pageOf(app: Express, userId: string, query: string): Promise<PageResponse> {
  return (await request(app)
    .get(`/orders${query}`)
    .set(await bearer(userId))) as PageResponse;
}

describe('GET /orders', () => {
  const { app } = createOrdersTestApp();

  /** `count` orders of `userId`, oldest first (each in its own millisecond, so newest-first order is defined). */
  async function ordersOf(userId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      // Orders of one millisecond are ordered by id, not by arrival: start each in a millisecond of its own.
      const startedAt = Date.now();
      while (Date.now() === startedAt) await new Promise((resolve) => setImmediate(resolve));
      ids.push((await seedOrder(app, userId)).id);
    }
    return ids;
  }

  it("returns 200 with the caller's orders, newest first, in pages joined by an opaque cursor, the last page saying so", async () => {
    // Arrange
    const user = await seedUser();
    const ids = await ordersOf(user.id, 5);

    // Act
    const first = await pageOf(app, user.id, '?limit=2');
    const second = await pageOf(app, user.id, `?limit=2&cursor=${first.body.nextCursor}`);
    const third = await pageOf(app, user.id, `?limit=2&cursor=${second.body.nextCursor}`);

    // Assert
    const newestFirst = [...ids].reverse();
    expect(first).toMatchObject({ status: 200, body: { nextCursor: expect.stringMatching(/^[A-Za-z0-9_-]+$/) } });
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((order) => order.id)).toEqual(
      newestFirst,
    );
    expect(third.body.nextCursor).toBeNull();
    expect(first.body.nextCursor).not.toContain(user.id);
    const createdAt = [...first.body.items, ...second.body.items, ...third.body.items].map((order) => order.createdAt);
    expect([...createdAt].sort().reverse()).toEqual(createdAt);
  });

  it('returns an empty page with a null cursor to a user without orders', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await pageOf(app, user.id, '');

    // Assert
    expect(response).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('never mixes owners: each user sees only their own orders', async () => {
    // Arrange
    const alice = await seedUser();
    const bob = await seedUser();
    const alices = await ordersOf(alice.id, 2);
    const bobs = await ordersOf(bob.id, 3);

    // Act
    const aliceSees = await listAllOrders(app, alice.id);
    const bobSees = await listAllOrders(app, bob.id);

    // Assert
    expect(aliceSees.map((order) => order.id)).toEqual([...alices].reverse());
    expect(bobSees.map((order) => order.id)).toEqual([...bobs].reverse());
  });

  it('filters by status with full pages: every page holds `limit` orders of that status until the last', async () => {
    // Arrange: 10 orders, every other one paid, so a filter applied after reading would return short pages
    const user = await seedUser();
    const ids = await ordersOf(user.id, 10);
    const paid = ids.filter((_, index) => index % 2 === 0);
    for (const id of paid)
      expect(
        (
          await request(app)
            .post(`/orders/${id}/pay`)
            .set(await bearer(user.id))
        ).status,
      ).toBe(200);

    // Act
    const first = await pageOf(app, user.id, '?status=paid&limit=2');
    const second = await pageOf(app, user.id, `?status=paid&limit=2&cursor=${first.body.nextCursor}`);
    const third = await pageOf(app, user.id, `?status=paid&limit=2&cursor=${second.body.nextCursor}`);

    // Assert
    expect([first.body.items.length, second.body.items.length, third.body.items.length]).toEqual([2, 2, 1]);
    expect(third.body.nextCursor).toBeNull();
    const listed = [...first.body.items, ...second.body.items, ...third.body.items];
    expect(listed.map((order) => order.id)).toEqual([...paid].reverse());
    expect(new Set(listed.map((order) => order.status))).toEqual(new Set(['paid']));
    expect((await pageOf(app, user.id, '?status=pending&limit=100')).body.items.map((order) => order.id)).toEqual(
      ids.filter((_, index) => index % 2 === 1).reverse(),
    );
  });

  describe('an admin with userId=', () => {
    it("lists that user's orders (and only theirs)", async () => {
      // Arrange
      const owner = await seedUser();
      const admin = await seedUser({ role: 'admin' });
      const ids = await ordersOf(owner.id, 3);
      await ordersOf(admin.id, 1);

      // Act
      const response = await pageOf(app, admin.id, `?userId=${owner.id}`);

      // Assert
      expect(response).toMatchObject({ status: 200, body: { nextCursor: null } });
      expect(response.body.items.map((order) => order.id)).toEqual([...ids].reverse());
      expect(new Set(response.body.items.map((order) => order.userId))).toEqual(new Set([owner.id]));
    });

    it("pages with a cursor that is bound to that user: it does not continue another user's listing", async () => {
      // Arrange
      const owner = await seedUser();
      const other = await seedUser();
      const admin = await seedUser({ role: 'admin' });
      await ordersOf(owner.id, 3);
      const first = await pageOf(app, admin.id, `?userId=${owner.id}&limit=1`);

      // Act
      const elsewhere = await pageOf(app, admin.id, `?userId=${other.id}&limit=1&cursor=${first.body.nextCursor}`);

      // Assert
      expect(elsewhere).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
    });
  });

  it("returns 403 to a user asking for another user's orders, and 200 for their own id", async () => {
    // Arrange
    const user = await seedUser();
    const other = await seedUser();
    await ordersOf(other.id, 1);

    // Act
    const foreign = await pageOf(app, user.id, `?userId=${other.id}`);
    const own = await pageOf(app, user.id, `?userId=${user.id}`);

    // Assert
    expect(foreign).toMatchObject({
      status: 403,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'FORBIDDEN', detail: "Only an admin may list another user's orders" },
    });
    expect(own).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });

  describe('400 for a bad query or cursor', () => {
    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['status=lost', 'status'],
      ['status=paid&status=pending', 'status'],
      ['userId=not-a-uuid', 'userId'],
      ['cursor=', 'cursor'],
    ])('?%s', async (query, field) => {
      // Arrange
      const user = await seedUser();

      // Act
      const response = await pageOf(app, user.id, `?${query}`);

      // Assert
      expect(response).toMatchObject({
        status: 400,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: { code: 'VALIDATION_FAILED', errors: expect.arrayContaining([expect.objectContaining({ field })]) },
      });
    });

    it.each([
      ['a forged cursor', async (): Promise<string> => `AQ${'A'.repeat(60)}`],
      [
        "another caller's cursor",
        async (): Promise<string> => {
          const other = await seedUser();
          await ordersOf(other.id, 2);
          return (await pageOf(app, other.id, '?limit=1')).body.nextCursor ?? '';
        },
      ],
    ])('rejects %s with INVALID_CURSOR', async (_label, cursorOf) => {
      // Arrange
      const user = await seedUser();
      const cursor = await cursorOf();

      // Act
      const response = await pageOf(app, user.id, `?cursor=${cursor}`);

      // Assert
      expect(response).toMatchObject({
        status: 400,
        body: {
          code: 'INVALID_CURSOR',
          detail: 'The cursor is invalid or has expired; start again from the first page',
        },
      });
    });

    it('rejects a cursor of the unfiltered listing used with a status filter (and the other way round)', async () => {
      // Arrange
      const user = await seedUser();
      await ordersOf(user.id, 3);
      const unfiltered = (await pageOf(app, user.id, '?limit=1')).body.nextCursor;
      const pending = (await pageOf(app, user.id, '?limit=1&status=pending')).body.nextCursor;

      // Act
      const mixedOne = await pageOf(app, user.id, `?limit=1&status=pending&cursor=${unfiltered}`);
      const mixedTwo = await pageOf(app, user.id, `?limit=1&cursor=${pending}`);

      // Assert
      expect(mixedOne).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
      expect(mixedTwo).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
    });
  });

  it('returns 401 without a token', async () => {
    // Act
    const response = await request(app).get(`/orders?userId=${randomUUID()}`);

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
  });
});
