import request from 'supertest';
import { bearer, createUsersTestApp, SEED_PASSWORD, seedUser } from '../helpers/user-fixtures';

// Issue 9, item 8: a token issued before a password, email or role change, or before a logout, stops working.
// The user is read on every request anyway; the token's `gen` claim is compared with the stored generation.

describe('token revocation', () => {
  jest.setTimeout(30_000);
  const { app } = createUsersTestApp();

  async function login(email: string, password: string): Promise<string> {
    const response = await request(app).post('/auth/login').send({ email, password });
    expect(response.status).toBe(200);
    return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
  }

  it('refuses a token issued before a password change, even to delete the account; a login right after works', async () => {
    // Arrange
    const user = await seedUser();
    const before = await login(user.email, SEED_PASSWORD);

    // Act
    const changed = await request(app)
      .patch(`/users/${user.id}`)
      .set({ Authorization: before, 'If-Match': '"v1"' })
      .send({ password: 'a brand new password', currentPassword: SEED_PASSWORD });
    const after = await login(user.email, 'a brand new password'); // most likely within the same second
    const meWithOld = await request(app).get('/users/me').set('Authorization', before);
    const deleteWithOld = await request(app).delete(`/users/${user.id}`).set('Authorization', before);
    const meWithNew = await request(app).get('/users/me').set('Authorization', after);

    // Assert
    expect(changed.status).toBe(200);
    expect(meWithOld).toMatchObject({
      status: 401,
      body: { code: 'INVALID_TOKEN', detail: 'The access token is no longer valid' },
    });
    expect(deleteWithOld.status).toBe(401);
    expect(meWithNew).toMatchObject({ status: 200, body: { id: user.id } });
  });

  it("refuses a token issued before an admin changed the user's role, and keeps it across a name change", async () => {
    // Arrange
    const user = await seedUser();
    const admin = await seedUser({ role: 'admin' });
    const token = await login(user.email, SEED_PASSWORD);

    // Act
    const renamed = await request(app)
      .patch(`/users/${user.id}`)
      .set({ Authorization: token, 'If-Match': '"v1"' })
      .send({ name: 'Renamed' });
    const afterRename = await request(app).get('/users/me').set('Authorization', token);
    const promoted = await request(app)
      .patch(`/users/${user.id}`)
      .set({ ...(await bearer(admin.id)), 'If-Match': '"v2"' })
      .send({ role: 'admin' });
    const afterRoleChange = await request(app).get('/users/me').set('Authorization', token);

    // Assert
    expect([renamed.status, afterRename.status, promoted.status, afterRoleChange.status]).toEqual([200, 200, 200, 401]);
  });

  it('refuses a token issued before an email change', async () => {
    // Arrange
    const user = await seedUser();
    const token = await login(user.email, SEED_PASSWORD);

    // Act
    const changed = await request(app)
      .patch(`/users/${user.id}`)
      .set({ Authorization: token, 'If-Match': '"v1"' })
      .send({ email: `moved-${user.email}`, currentPassword: SEED_PASSWORD });
    const after = await request(app).get('/users/me').set('Authorization', token);

    // Assert
    expect([changed.status, after.status]).toEqual([200, 401]);
  });

  it('POST /auth/logout answers 204 and revokes every token of the caller issued so far, and only theirs', async () => {
    // Arrange
    const user = await seedUser();
    const other = await seedUser();
    const first = await login(user.email, SEED_PASSWORD);
    const second = await login(user.email, SEED_PASSWORD);
    const othersToken = await login(other.email, SEED_PASSWORD);

    // Act
    const loggedOut = await request(app).post('/auth/logout').set('Authorization', first);
    const statuses = [
      (await request(app).get('/users/me').set('Authorization', first)).status,
      (await request(app).get('/users/me').set('Authorization', second)).status,
      (await request(app).post('/auth/logout').set('Authorization', second)).status,
      (await request(app).get('/users/me').set('Authorization', othersToken)).status,
    ];

    // Assert
    expect(loggedOut).toMatchObject({ status: 204, body: {} });
    expect(statuses).toEqual([401, 401, 401, 200]);
    const fresh = await login(user.email, SEED_PASSWORD);
    expect((await request(app).get('/users/me').set('Authorization', fresh)).status).toBe(200);
  });

  it('POST /auth/logout without a token is a 401 problem', async () => {
    // Act
    const response = await request(app).post('/auth/logout');

    // Assert
    expect(response).toMatchObject({
      status: 401,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
  });
});
