import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { PaginationCursorCodec } from '../../src/domain/pagination-cursor';
import { USER_LISTING } from '../../src/domain/user-service';
import { TEST_JWT_SECRET } from '../helpers/test-environment';
import { bearer, createUsersTestApp, seedUser } from '../helpers/user-fixtures';

interface Page {
  items: { id: string; createdAt: string }[];
  nextCursor: string | null;
}

describe('GET /users', () => {
  const { app } = createUsersTestApp();

  it('pages through every user newest first with opaque cursors, ending with a null cursor', async () => {
    // Arrange: three users created a millisecond apart, so their order is known (two created within the same
    // millisecond would be ordered by their random ids); other tests add users to the same table meanwhile
    const admin = await seedUser({ role: 'admin' });
    const base = Date.now();
    const createdAt = (offsetMs: number): string => new Date(base + offsetMs).toISOString();
    const ours = [
      await seedUser({ name: 'First', createdAt: createdAt(0) }),
      await seedUser({ name: 'Second', createdAt: createdAt(1) }),
      await seedUser({ name: 'Third', createdAt: createdAt(2) }),
    ];
    const headers = await bearer(admin.id);

    // Act: walk the whole listing, two at a time at first, then in pages of 100
    const pages: Page[] = [];
    const limits: number[] = [];
    let cursor: string | null = null;
    do {
      const limit = pages.length < 3 ? 2 : 100;
      limits.push(limit);
      const response: request.Response = await request(app)
        .get('/users')
        .query(cursor === null ? { limit } : { limit, cursor })
        .set(headers);
      expect(response).toMatchObject({
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
      pages.push(response.body as Page);
      cursor = (response.body as Page).nextCursor;
    } while (cursor !== null && pages.length < 1_000);

    // Assert
    // Every page but the last is full; the last one says so with a null cursor
    expect(pages.slice(0, -1).map((page) => page.items.length)).toEqual(limits.slice(0, -1));
    expect(pages[0]?.items).toHaveLength(2);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const all = pages.flatMap((page) => page.items);
    expect(new Set(all.map((user) => user.id)).size).toBe(all.length);
    const order = all.map((user) => `${user.createdAt}#${user.id}`);
    expect(order).toEqual([...order].sort().reverse());
    const ourIds = ours.map((user) => user.id);
    expect(all.filter((user) => ourIds.includes(user.id)).map((user) => user.id)).toEqual([...ourIds].reverse());
    for (const page of pages.slice(0, -1)) expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Object.keys(all[0] ?? {}).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role', 'updatedAt']);
  });

  it('returns 20 users per page by default', async () => {
    // Arrange: at least 21 users exist (seeded here; others' users count too)
    const admin = await seedUser({ role: 'admin' });
    await Promise.all(Array.from({ length: 20 }, () => seedUser()));

    // Act
    const response = await request(app)
      .get('/users')
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 200, body: { nextCursor: expect.any(String) } });
    expect((response.body as Page).items).toHaveLength(20);
  });

  it.each([
    ['0', 'must be an integer from 1 to 100'],
    ['101', 'must be an integer from 1 to 100'],
    ['ten', 'must be an integer from 1 to 100'],
    ['2.5', 'must be an integer from 1 to 100'],
  ])('returns 400 for limit=%s', async (limit, message) => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .get('/users')
      .query({ limit })
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'limit', message }] },
    });
  });

  it('returns 400 for a repeated limit', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .get('/users?limit=1&limit=2')
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ field: 'limit' }] } });
  });

  describe('cursors', () => {
    async function firstCursor(adminId: string): Promise<string> {
      await seedUser();
      await seedUser();
      const response = await request(app)
        .get('/users?limit=1')
        .set(await bearer(adminId));
      return (response.body as Page).nextCursor ?? '';
    }

    const invalidCursor = {
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: {
        status: 400,
        code: 'INVALID_CURSOR',
        detail: 'The cursor is invalid or has expired; start again from the first page',
      },
    };

    it('returns 400, not a 500 or a DynamoDB error, for a tampered cursor', async () => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });
      const cursor = await firstCursor(admin.id);
      const bytes = Buffer.from(cursor, 'base64url');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;

      // Act
      const response = await request(app)
        .get('/users')
        .query({ cursor: bytes.toString('base64url') })
        .set(await bearer(admin.id));

      // Assert
      expect(response).toMatchObject(invalidCursor);
    });

    it("returns 400 for another admin's cursor", async () => {
      // Arrange
      const owner = await seedUser({ role: 'admin' });
      const thief = await seedUser({ role: 'admin' });
      const cursor = await firstCursor(owner.id);

      // Act
      const response = await request(app)
        .get('/users')
        .query({ cursor })
        .set(await bearer(thief.id));

      // Assert
      expect(response).toMatchObject(invalidCursor);
    });

    it('returns 400 for an expired cursor', async () => {
      // Arrange: a genuine cursor for this admin, made two hours ago
      const admin = await seedUser({ role: 'admin' });
      const twoHoursAgo = Date.now() - 2 * 3_600_000;
      const codec = new PaginationCursorCodec({ secret: TEST_JWT_SECRET, ttlSeconds: 3_600, now: () => twoHoursAgo });
      const position = {
        PK: `USER#${admin.id}`,
        SK: 'PROFILE',
        GSI1PK: 'USERS',
        GSI1SK: `${admin.createdAt}#${admin.id}`,
      };
      const expired = codec.encode(position, { listing: USER_LISTING, callerId: admin.id });

      // Act
      const response = await request(app)
        .get('/users')
        .query({ cursor: expired })
        .set(await bearer(admin.id));

      // Assert
      expect(response).toMatchObject(invalidCursor);
    });

    it('returns 400 for a well-formed, authentic cursor pointing outside the user listing', async () => {
      // Arrange: what a leaked key could forge; the repository still refuses it
      const admin = await seedUser({ role: 'admin' });
      const codec = new PaginationCursorCodec({ secret: TEST_JWT_SECRET, ttlSeconds: 3_600 });
      const forged = codec.encode(
        { PK: 'RATE#login:127.0.0.1', SK: 'WINDOW#0' },
        { listing: USER_LISTING, callerId: admin.id },
      );

      // Act
      const response = await request(app)
        .get('/users')
        .query({ cursor: forged })
        .set(await bearer(admin.id));

      // Assert
      expect(response).toMatchObject(invalidCursor);
    });

    it.each([
      ['garbage', 'not a cursor at all'],
      ['base64 of JSON', Buffer.from('{"PK":"USER#x"}').toString('base64url')],
    ])('returns 400 for %s', async (_label, cursor) => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });

      // Act
      const response = await request(app)
        .get('/users')
        .query({ cursor })
        .set(await bearer(admin.id));

      // Assert
      expect(response).toMatchObject(invalidCursor);
    });
  });

  it('returns 403 to a user who is not an admin', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .get('/users')
      .set(await bearer(user.id));

    // Assert
    expect(response).toMatchObject({
      status: 403,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 403, code: 'FORBIDDEN' },
    });
  });

  it('returns 401 without a token', async () => {
    // Act
    const response = await request(app).get('/users');

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
  });
});
