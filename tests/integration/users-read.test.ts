import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTokenIssuer, PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { bearer, createUsersTestApp, seedUser } from '../helpers/user-fixtures';

function publicView(user: {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}): object {
  const { id, email, name, role, createdAt, updatedAt } = user;
  return { id, email, name, role, createdAt, updatedAt };
}

describe('GET /users/me', () => {
  const { app } = createUsersTestApp();

  it('returns 200 with the caller, its ETag, and no password material', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .get('/users/me')
      .set(await bearer(user.id));

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { etag: '"v1"', 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.body).toEqual(publicView(user));
  });

  it('returns 401 with WWW-Authenticate without a token', async () => {
    // Act
    const response = await request(app).get('/users/me');

    // Assert
    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': expect.stringMatching(/^Bearer/), 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 401, title: 'Unauthorized' },
    });
  });

  it.each([
    ['a malformed token', 'Bearer not.a.token'],
    ['a token signed with another secret', 'other-secret'],
    ['a token for a user that never existed', 'ghost'],
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
  ])('returns 401 for %s', async (_label, kind) => {
    // Arrange
    let authorization = kind;
    if (kind === 'other-secret') {
      const issuer = createTokenIssuer({
        hs256Secret: 'another secret, another secret, another',
        issuer: 'lambdalith',
        audience: 'lambdalith-api',
        ttlSeconds: 60,
      });
      authorization = `Bearer ${(await issuer.issue((await seedUser()).id)).accessToken}`;
    } else if (kind === 'ghost') {
      authorization = (await bearer(randomUUID())).Authorization;
    }

    // Act
    const response = await request(app).get('/users/me').set('Authorization', authorization);

    // Assert
    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': expect.stringMatching(/^Bearer/), 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 401 },
    });
  });
});

describe('GET /users/:id', () => {
  const { app } = createUsersTestApp();

  it('returns 200 with the user and its ETag to the user themselves', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .get(`/users/${user.id}`)
      .set(await bearer(user.id));

    // Assert
    expect(response).toMatchObject({ status: 200, headers: { etag: '"v1"', 'cache-control': 'no-store' } });
    expect(response.body).toEqual(publicView(user));
  });

  it('returns 200 with any user to an admin', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });
    const user = await seedUser();

    // Act
    const response = await request(app)
      .get(`/users/${user.id}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 200, headers: { etag: '"v1"' } });
    expect(response.body).toEqual(publicView(user));
  });

  it("returns the same 404 for another user's id as for an id that does not exist", async () => {
    // Arrange
    const caller = await seedUser();
    const other = await seedUser();
    const headers = await bearer(caller.id);

    // Act
    const someoneElse = await request(app).get(`/users/${other.id}`).set(headers);
    const nobody = await request(app).get(`/users/${randomUUID()}`).set(headers);

    // Assert
    const expected = {
      status: 404,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { type: 'about:blank', title: 'Not Found', status: 404, code: 'USER_NOT_FOUND', detail: 'User not found' },
    };
    expect(someoneElse).toMatchObject(expected);
    expect(nobody).toMatchObject(expected);
    expect(Object.keys(someoneElse.body as object).sort()).toEqual(Object.keys(nobody.body as object).sort());
  });

  it('returns 404 to an admin for an id that does not exist', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .get(`/users/${randomUUID()}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
  });

  it('returns 400 for a malformed id', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .get('/users/not-a-uuid')
      .set(await bearer(user.id));

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'id', message: 'must be a user id (a UUID)' }] },
    });
  });

  it('returns 401 without a token', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app).get(`/users/${user.id}`);

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
  });
});
