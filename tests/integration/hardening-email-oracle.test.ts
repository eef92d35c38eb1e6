import request from 'supertest';
import { bearer, createUsersTestApp, SEED_PASSWORD, seedUser, storedUser } from '../helpers/user-fixtures';

// Issue 9, item 5: PATCH of one's own email answered 409 EMAIL_TAKEN before checking currentPassword, so a
// stolen token was an oracle for which emails are registered. Re-authentication comes first now.

describe('PATCH /users/{id} changing the email to one that is taken', () => {
  jest.setTimeout(30_000);
  const { app } = createUsersTestApp();

  it.each([
    ['without currentPassword', {}, 'is required to change email or password'],
    ['with a wrong currentPassword', { currentPassword: 'not the password at all' }, 'is incorrect'],
  ])('answers 400 %s, exactly as for a free email, never 409', async (_label, proof, message) => {
    // Arrange
    const user = await seedUser();
    const holder = await seedUser();
    const headers = { ...(await bearer(user.id)), 'If-Match': '"v1"' };

    // Act
    const taken = await request(app)
      .patch(`/users/${user.id}`)
      .set(headers)
      .send({ email: holder.email, ...proof });
    const free = await request(app)
      .patch(`/users/${user.id}`)
      .set(headers)
      .send({ email: `free-${holder.email}`, ...proof });

    // Assert
    const expected = {
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'currentPassword', message }] },
    };
    expect(taken).toMatchObject(expected);
    expect(free).toMatchObject(expected);
    expect(await storedUser(user.id)).toMatchObject({ email: user.email, version: 1 });
  });

  it('answers 409 EMAIL_TAKEN only once the password is proven, and changes nothing', async () => {
    // Arrange
    const user = await seedUser();
    const holder = await seedUser();

    // Act
    const response = await request(app)
      .patch(`/users/${user.id}`)
      .set({ ...(await bearer(user.id)), 'If-Match': '"v1"' })
      .send({ email: holder.email.toUpperCase(), currentPassword: SEED_PASSWORD });

    // Assert
    expect(response).toMatchObject({ status: 409, body: { code: 'EMAIL_TAKEN' } });
    expect(await storedUser(user.id)).toMatchObject({ email: user.email, version: 1 });
  });
});
