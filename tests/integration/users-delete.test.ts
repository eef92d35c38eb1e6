import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { emailKey, userKey } from '../../src/data/user-keys';
import { TEST_TABLE_NAME } from '../helpers/test-environment';
import { bearer, createUsersTestApp, register, seedUser, storedUser } from '../helpers/user-fixtures';

describe('DELETE /users/:id', () => {
  const { app, deps } = createUsersTestApp();

  async function item(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return (
      await deps.documentClient.send(new GetCommand({ TableName: TEST_TABLE_NAME, Key: key, ConsistentRead: true }))
    ).Item;
  }

  it('returns 204 and removes both the user and its email item when users delete themselves; their token stops working', async () => {
    // Arrange
    const user = await seedUser();
    const headers = await bearer(user.id);

    // Act
    const response = await request(app).delete(`/users/${user.id}`).set(headers);

    // Assert
    expect(response).toMatchObject({ status: 204, body: {} });
    expect(response.text).toBe('');
    expect(await item(userKey(user.id))).toBeUndefined();
    expect(await item(emailKey(user.email))).toBeUndefined();
    const me = await request(app).get('/users/me').set(headers);
    expect(me).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
    const again = await register(app, { email: user.email, password: 'the email is free again', name: 'Again' });
    expect(again.status).toBe(201);
  });

  it('returns 204 when an admin deletes another user', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });
    const user = await seedUser();

    // Act
    const response = await request(app)
      .delete(`/users/${user.id}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response.status).toBe(204);
    expect(await storedUser(user.id)).toBeUndefined();
  });

  it("returns 404 to a non-admin for someone else's id, and deletes nothing", async () => {
    // Arrange
    const caller = await seedUser();
    const other = await seedUser();

    // Act
    const response = await request(app)
      .delete(`/users/${other.id}`)
      .set(await bearer(caller.id));

    // Assert
    expect(response).toMatchObject({
      status: 404,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'USER_NOT_FOUND' },
    });
    expect(await storedUser(other.id)).toMatchObject({ id: other.id });
    expect(await item(emailKey(other.email))).toMatchObject({ userId: other.id });
  });

  it('returns 404 to an admin for an id that does not exist', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .delete(`/users/${randomUUID()}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 404, body: { status: 404, code: 'USER_NOT_FOUND' } });
  });

  it('returns 400 for a malformed id', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .delete('/users/123')
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ field: 'id' }] } });
  });

  it('returns 401 without a token, and deletes nothing', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app).delete(`/users/${user.id}`);

    // Assert
    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
    expect(await storedUser(user.id)).toMatchObject({ id: user.id });
  });
});
