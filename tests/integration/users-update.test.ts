import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import {
  bearer,
  createUsersTestApp,
  register,
  SEED_PASSWORD,
  seedUser,
  storedUser,
  uniqueEmail,
} from '../helpers/user-fixtures';

describe('PATCH /users/:id', () => {
  const { app } = createUsersTestApp();

  function patch(id: string, headers: Record<string, string>, body: object): request.Test {
    return request(app).patch(`/users/${id}`).set(headers).send(body);
  }

  it('returns 200 with the changed user and a new ETag when If-Match is current', async () => {
    // Arrange
    const user = await seedUser({ name: 'Before' });

    // Act
    const response = await patch(user.id, { ...(await bearer(user.id)), 'If-Match': '"v1"' }, { name: '  After  ' });

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { etag: '"v2"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.body).toEqual({
      id: user.id,
      email: user.email,
      name: 'After',
      role: 'user',
      createdAt: user.createdAt,
      updatedAt: expect.any(String),
    });
    expect(Date.parse((response.body as { updatedAt: string }).updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(user.updatedAt),
    );
    expect(await storedUser(user.id)).toMatchObject({ name: 'After', version: 2 });
  });

  it('returns 428 and changes nothing without If-Match', async () => {
    // Arrange
    const user = await seedUser({ name: 'Unchanged' });

    // Act
    const response = await patch(user.id, await bearer(user.id), { name: 'Changed' });

    // Assert
    expect(response).toMatchObject({
      status: 428,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 428, title: 'Precondition Required', code: 'PRECONDITION_REQUIRED' },
    });
    expect(await storedUser(user.id)).toMatchObject({ name: 'Unchanged', version: 1 });
  });

  it('returns 428 for If-Match: *, which would defeat the lock', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await patch(user.id, { ...(await bearer(user.id)), 'If-Match': '*' }, { name: 'Changed' });

    // Assert
    expect(response).toMatchObject({ status: 428, body: { code: 'PRECONDITION_REQUIRED' } });
  });

  it.each([
    ['a stale version', '"v1"'],
    ['a weak tag', 'W/"v2"'],
    ['a tag that is not ours', '"abc"'],
  ])('returns 412 and changes nothing for %s', async (_label, ifMatch) => {
    // Arrange: the user is at version 2
    const user = await seedUser({ name: 'Original' });
    const headers = await bearer(user.id);
    await patch(user.id, { ...headers, 'If-Match': '"v1"' }, { name: 'Second' });

    // Act
    const response = await patch(user.id, { ...headers, 'If-Match': ifMatch }, { name: 'Third' });

    // Assert
    expect(response).toMatchObject({
      status: 412,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 412, title: 'Precondition Failed', code: 'PRECONDITION_FAILED' },
    });
    expect(await storedUser(user.id)).toMatchObject({ name: 'Second', version: 2 });
  });

  it('lets exactly one of two concurrent writers with the same If-Match win; the other gets 412', async () => {
    // Arrange
    const user = await seedUser();
    const headers = { ...(await bearer(user.id)), 'If-Match': '"v1"' };

    // Act
    const responses = await Promise.all([
      patch(user.id, headers, { name: 'Writer A' }),
      patch(user.id, headers, { name: 'Writer B' }),
    ]);

    // Assert
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
    const winner = responses.find((response) => response.status === 200)?.body as { name: string };
    expect(await storedUser(user.id)).toMatchObject({ name: winner.name, version: 2 });
  });

  it('changes the email with the current password: the new email logs in and the old one is free', async () => {
    // Arrange
    const user = await seedUser();
    const newEmail = uniqueEmail('moved');

    // Act
    const response = await patch(
      user.id,
      { ...(await bearer(user.id)), 'If-Match': '"v1"' },
      { email: newEmail.toUpperCase(), currentPassword: SEED_PASSWORD },
    );

    // Assert
    expect(response).toMatchObject({ status: 200, headers: { etag: '"v2"' }, body: { id: user.id, email: newEmail } });
    const login = await request(app).post('/auth/login').send({ email: newEmail, password: SEED_PASSWORD });
    expect(login.status).toBe(200);
    const reuse = await register(app, { email: user.email, password: 'the old email is free', name: 'Reuser' });
    expect(reuse.status).toBe(201);
  });

  it('changes the password with the current password; the old one stops working', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await patch(
      user.id,
      { ...(await bearer(user.id)), 'If-Match': '"v1"' },
      { password: 'a brand new password', currentPassword: SEED_PASSWORD },
    );

    // Assert
    expect(response).toMatchObject({ status: 200, headers: { etag: '"v2"' } });
    expect(response.body).not.toHaveProperty('password');
    const withNew = await request(app)
      .post('/auth/login')
      .send({ email: user.email, password: 'a brand new password' });
    const withOld = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });
    expect([withNew.status, withOld.status]).toEqual([200, 401]);
  });

  it.each([
    [
      'an email change without currentPassword',
      () => ({ email: uniqueEmail('nope') }),
      'is required to change email or password',
    ],
    [
      'an email change with a wrong currentPassword',
      () => ({ email: uniqueEmail('nope'), currentPassword: 'wrong password!' }),
      'is incorrect',
    ],
    [
      'a password change without currentPassword',
      () => ({ password: 'another new password' }),
      'is required to change email or password',
    ],
    [
      'a password change with a wrong currentPassword',
      () => ({ password: 'another new password', currentPassword: 'wrong!!' }),
      'is incorrect',
    ],
  ])('returns 400 and changes nothing for %s', async (_label, body, message) => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await patch(user.id, { ...(await bearer(user.id)), 'If-Match': '"v1"' }, body());

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'currentPassword', message }] },
    });
    const stored = await storedUser(user.id);
    expect(stored).toMatchObject({ email: user.email, passwordHash: user.passwordHash, version: 1 });
  });

  it('returns 409 and changes nothing when the new email belongs to someone else', async () => {
    // Arrange
    const owner = await seedUser();
    const user = await seedUser();

    // Act
    const response = await patch(
      user.id,
      { ...(await bearer(user.id)), 'If-Match': '"v1"' },
      { email: owner.email, currentPassword: SEED_PASSWORD },
    );

    // Assert
    expect(response).toMatchObject({
      status: 409,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'EMAIL_TAKEN' },
    });
    expect(await storedUser(user.id)).toMatchObject({ email: user.email, version: 1 });
  });

  it('returns 403 and changes nothing when a non-admin sets a role, even their own', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await patch(user.id, { ...(await bearer(user.id)), 'If-Match': '"v1"' }, { role: 'admin' });

    // Assert
    expect(response).toMatchObject({
      status: 403,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 403, code: 'FORBIDDEN' },
    });
    expect(await storedUser(user.id)).toMatchObject({ role: 'user', version: 1 });
  });

  it("returns 404 to a non-admin for someone else's id, and changes nothing", async () => {
    // Arrange
    const caller = await seedUser();
    const other = await seedUser({ name: 'Victim' });

    // Act
    const response = await patch(other.id, { ...(await bearer(caller.id)), 'If-Match': '"v1"' }, { name: 'Hijacked' });

    // Assert
    expect(response).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
    expect(await storedUser(other.id)).toMatchObject({ name: 'Victim', version: 1 });
  });

  it('returns 404 to an admin for an id that does not exist', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await patch(randomUUID(), { ...(await bearer(admin.id)), 'If-Match': '"v1"' }, { name: 'Nobody' });

    // Assert
    expect(response).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
  });

  it.each([
    ['an unknown field', { nickname: 'x' }, 'nickname', 'Unknown field'],
    ['an invalid role', { role: 'superuser' }, 'role', 'must be one of user, admin'],
    [
      'a short new password',
      { password: 'short', currentPassword: SEED_PASSWORD },
      'password',
      'must be 12 to 256 characters long',
    ],
    ['nothing to change', {}, 'body', 'must change at least one of name, email, password, role'],
  ])('returns 400 for %s', async (_label, body, field, message) => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await patch(user.id, { ...(await bearer(user.id)), 'If-Match': '"v1"' }, body);

    // Assert
    expect(response).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ field, message }] } });
  });

  it('returns 401 without a token', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app).patch(`/users/${user.id}`).set('If-Match', '"v1"').send({ name: 'Anon' });

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
  });

  describe('role changes by an admin', () => {
    it('promotes a user: the token issued before is refused (a role change revokes it), a new one carries admin', async () => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });
      const user = await seedUser();
      const userHeaders = await bearer(user.id);
      const before = await request(app).get('/users').set(userHeaders);

      // Act
      const response = await patch(
        user.id,
        { ...(await bearer(admin.id)), 'If-Match': '"v1"' },
        { role: 'admin', name: 'Promoted' },
      );

      // Assert
      expect(before.status).toBe(403);
      expect(response).toMatchObject({
        status: 200,
        headers: { etag: '"v2"' },
        body: { id: user.id, role: 'admin', name: 'Promoted' },
      });
      expect((await request(app).get('/users?limit=1').set(userHeaders)).status).toBe(401);
      expect(
        (
          await request(app)
            .get('/users?limit=1')
            .set(await bearer(user.id))
        ).status,
      ).toBe(200);
    });

    it('demotes an admin, whose existing token stops working at once, and a new one has no admin rights', async () => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });
      const demoted = await seedUser({ role: 'admin' });
      const demotedHeaders = await bearer(demoted.id);
      const before = await request(app).get('/users?limit=1').set(demotedHeaders);

      // Act
      const response = await patch(demoted.id, { ...(await bearer(admin.id)), 'If-Match': '"v1"' }, { role: 'user' });

      // Assert
      expect(before.status).toBe(200);
      expect(response).toMatchObject({ status: 200, body: { role: 'user' } });
      expect((await request(app).get('/users?limit=1').set(demotedHeaders)).status).toBe(401);
      const after = await request(app)
        .get('/users?limit=1')
        .set(await bearer(demoted.id));
      expect(after).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });
  });
});
