import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { PasswordHasher } from '../../src/domain/password-hasher';
import {
  createRateLimitedTestApp,
  createUsersTestApp,
  postFrom,
  SEED_PASSWORD,
  seedUser,
  storedUser,
  uniqueEmail,
  uniqueLoopbackAddress,
} from '../helpers/user-fixtures';

function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

// Everything that legitimately differs between two otherwise identical responses.
const PER_REQUEST_HEADERS = new Set(['x-request-id', 'date', 'ratelimit-remaining', 'ratelimit-reset']);
function comparable(response: request.Response): { status: number; headers: Record<string, unknown>; body: unknown } {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !PER_REQUEST_HEADERS.has(name)),
  );
  const { requestId: _requestId, ...body } = response.body as Record<string, unknown>;
  return { status: response.status, headers, body };
}

describe('POST /auth/login', () => {
  const { app } = createUsersTestApp();

  it('returns 200 with an HS256 bearer token carrying iss, aud, sub, iat, exp and jti, valid for an hour', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' },
      body: { accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3_600 },
    });
    expect(Object.keys(response.body as object).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const token = (response.body as { accessToken: string }).accessToken;
    expect(decodeJwtPart(token, 0)).toMatchObject({ alg: 'HS256' });
    const claims = decodeJwtPart(token, 1);
    expect(claims).toEqual({
      // The generation of the user's tokens it was issued in (see POST /auth/logout).
      gen: 0,
      iss: 'lambdalith',
      aud: 'lambdalith-api',
      sub: user.id,
      iat: expect.any(Number),
      exp: (claims['iat'] as number) + 3_600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const me = await request(app).get('/users/me').set('Authorization', `Bearer ${token}`);
    expect(me).toMatchObject({ status: 200, body: { id: user.id } });
  });

  it('issues tokens with the configured lifetime', async () => {
    // Arrange
    const { app: shortLived } = createUsersTestApp({ JWT_TTL_SECONDS: '120' });
    const user = await seedUser();

    // Act
    const response = await request(shortLived).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });

    // Assert
    expect(response).toMatchObject({ status: 200, body: { tokenType: 'Bearer', expiresIn: 120 } });
    const claims = decodeJwtPart((response.body as { accessToken: string }).accessToken, 1);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(120);
  });

  it('accepts the email in any case and surrounding spacing', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .post('/auth/login')
      .send({ email: `  ${user.email.toUpperCase()} `, password: SEED_PASSWORD });

    // Assert
    expect(response).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
  });

  it('returns 401 with a generic message when the password is wrong, and counts the failure', async () => {
    // Arrange
    const user = await seedUser();

    // Act
    const response = await request(app)
      .post('/auth/login')
      .send({ email: user.email, password: 'not the right password' });

    // Assert
    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer', 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 401, title: 'Unauthorized', code: 'INVALID_CREDENTIALS', detail: 'Invalid email or password' },
    });
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 1, version: 1 });
  });

  it('returns the identical 401 for an unknown email, a wrong password and a locked account', async () => {
    // Arrange: thirty recent failures from all over put the account under attack for 15 minutes; then even
    // the right password is refused from a source its owner never logged in from
    const user = await seedUser({ failedLoginCount: 30, lastFailedLoginAt: Date.now() });

    // Act
    const unknownEmail = await request(app)
      .post('/auth/login')
      .send({ email: uniqueEmail('nobody'), password: SEED_PASSWORD });
    const locked = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });
    const wrongPassword = await request(app)
      .post('/auth/login')
      .send({ email: (await seedUser()).email, password: 'wrong password!!' });

    // Assert
    expect(comparable(unknownEmail)).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(comparable(locked)).toEqual(comparable(unknownEmail));
    expect(comparable(wrongPassword)).toEqual(comparable(unknownEmail));
    // The refused correct password was not counted as a failure, nor did it reset the count.
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 30 });
  });

  it('resets the failure count after a successful login', async () => {
    // Arrange
    const user = await seedUser();
    await request(app).post('/auth/login').send({ email: user.email, password: 'wrong password 1' });

    // Act
    const response = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });

    // Assert
    expect(response.status).toBe(200);
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 0, lastFailedLoginAt: undefined });
  });

  it('replaces a hash made with older scrypt parameters after a successful login', async () => {
    // Arrange
    const oldHash = await new PasswordHasher({ log2N: 14, r: 8, p: 1 }).hash(SEED_PASSWORD);
    const user = await seedUser({ passwordHash: oldHash });

    // Act
    const response = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });

    // Assert
    expect(response.status).toBe(200);
    const stored = await storedUser(user.id);
    expect(stored?.passwordHash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(await new PasswordHasher().verify(SEED_PASSWORD, stored?.passwordHash ?? '')).toEqual({
      matches: true,
      needsRehash: false,
    });
    expect(stored?.version).toBe(1);
  });

  it.each([
    ['a missing password', { password: undefined }, 'password', 'must be a string'],
    ['a numeric password', { password: 123456789012 }, 'password', 'must be a string'],
    ['a missing email', { email: undefined }, 'email', 'must be a string'],
    ['an unknown field', { remember: true }, 'remember', 'Unknown field'],
  ])('returns 400 for %s', async (_label, override, field, message) => {
    // Act
    const response = await request(app)
      .post('/auth/login')
      .send({ email: uniqueEmail(), password: SEED_PASSWORD, ...override });

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'VALIDATION_FAILED', errors: [{ field, message }] },
    });
  });

  it('returns 429 with Retry-After once a client exceeds the limit', async () => {
    // Arrange
    const { app: limited } = createRateLimitedTestApp(2, 60);
    const client = uniqueLoopbackAddress();
    const user = await seedUser();
    await postFrom(limited, client, '/auth/login', { email: user.email, password: 1 });
    await postFrom(limited, client, '/auth/login', { email: user.email, password: 1 });

    // Act
    const response = await postFrom(limited, client, '/auth/login', { email: user.email, password: SEED_PASSWORD });

    // Assert
    expect(response).toMatchObject({
      status: 429,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': '60', 'ratelimit-remaining': '0' },
      body: { status: 429, code: 'TOO_MANY_REQUESTS' },
    });
  });
});
