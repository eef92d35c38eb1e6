import request from 'supertest';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import {
  createRateLimitedTestApp,
  createUsersTestApp,
  postBytes,
  postFrom,
  register,
  storedUser,
  uniqueEmail,
  uniqueLoopbackAddress,
} from '../helpers/user-fixtures';

const PASSWORD = 'a perfectly fine password';
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /auth/register', () => {
  const { app } = createUsersTestApp();

  it('returns 201 with the user, its Location and ETag, and stores the canonical email', async () => {
    // Arrange
    const email = uniqueEmail('register');

    // Act
    const response = await register(app, {
      email: `  ${email.toUpperCase()}\t`,
      password: PASSWORD,
      name: '  Ada Lovelace ',
    });

    // Assert
    const id = (response.body as { id: string }).id;
    expect(response).toMatchObject({
      status: 201,
      headers: { location: `/users/${id}`, etag: '"v1"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.body).toEqual({
      id: expect.stringMatching(USER_ID),
      email,
      name: 'Ada Lovelace',
      role: 'user',
      createdAt: expect.stringMatching(ISO_TIME),
      updatedAt: (response.body as { createdAt: string }).createdAt,
    });
    expect(await storedUser(id)).toMatchObject({
      email,
      role: 'user',
      version: 1,
      passwordHash: expect.stringMatching(/^scrypt\$17\$8\$1\$/),
    });
  });

  it.each([
    ['role', { role: 'admin' }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['version', { version: 7 }],
  ])('returns 400 and creates nothing when the body carries the unknown field %s', async (field, extra) => {
    // Arrange
    const email = uniqueEmail('unknown-field');

    // Act
    const response = await register(app, { email, password: PASSWORD, name: 'Mallory', ...extra });

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 400, code: 'VALIDATION_FAILED', errors: [{ field, message: 'Unknown field' }] },
    });
    const login = await request(app).post('/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(401);
  });

  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'email', 'must be an email address'],
    ['a non-string email', { email: 42 }, 'email', 'must be a string'],
    ['an 11-character password', { password: 'elevenchars' }, 'password', 'must be 12 to 256 characters long'],
    ['a 257-character password', { password: 'p'.repeat(257) }, 'password', 'must be 12 to 256 characters long'],
    ['a password with a lone surrogate', { password: 'twelve chars \ud800' }, 'password', 'must be valid UTF-8 text'],
    ['an empty name', { name: '  ' }, 'name', 'must be 1 to 100 characters long'],
    ['a missing name', { name: undefined }, 'name', 'must be a string'],
  ])('returns 400 naming the field for %s', async (_label, override, field, message) => {
    // Arrange
    const body = { email: uniqueEmail('invalid'), password: PASSWORD, name: 'Valid Name', ...override };

    // Act
    const response = await register(app, body);

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ field, message }],
      },
    });
  });

  it('returns 400 when the password bytes are not valid UTF-8', async () => {
    // Arrange: 0xFF 0xFE can appear nowhere in UTF-8; the JSON parser turns them into U+FFFD
    const email = uniqueEmail('utf8');
    const raw = Buffer.concat([
      Buffer.from(`{"email":"${email}","name":"Bytes","password":"valid prefix `, 'utf8'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' suffix"}', 'utf8'),
    ]);

    // Act
    const response = await postBytes(app, '/auth/register', raw);

    // Assert
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: {
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'password', message: 'must be valid UTF-8 text' }],
      },
    });
  });

  it('returns 415 for a body that is not JSON', async () => {
    // Act
    const response = await request(app).post('/auth/register').set('Content-Type', 'text/plain').send('email=a@b.co');

    // Assert
    expect(response).toMatchObject({
      status: 415,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });

  it('returns 409 when the email is taken, in any case or spacing, and leaves the first user as it was', async () => {
    // Arrange
    const email = uniqueEmail('taken');
    const first = await register(app, { email, password: PASSWORD, name: 'First' });

    // Act
    const second = await register(app, {
      email: ` ${email.toUpperCase()} `,
      password: 'another fine password',
      name: 'Second',
    });

    // Assert
    expect(second).toMatchObject({
      status: 409,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { status: 409, title: 'Conflict', code: 'EMAIL_TAKEN', detail: 'This email is already registered' },
    });
    expect(await storedUser((first.body as { id: string }).id)).toMatchObject({ name: 'First', version: 1 });
  });

  it('returns 405 with Allow for other methods', async () => {
    // Act
    const response = await request(app).get('/auth/register');

    // Assert
    expect(response).toMatchObject({ status: 405, headers: { allow: 'POST' }, body: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('returns 429 with Retry-After once a client exceeds the limit, before doing any work', async () => {
    // Arrange: a limit of 2 per minute, a clock inside one window, and a client address no other test uses
    const { app: limited } = createRateLimitedTestApp(2, 60);
    const client = uniqueLoopbackAddress();
    const invalid = { email: 'not-an-email', password: PASSWORD, name: 'Limited' };
    await postFrom(limited, client, '/auth/register', invalid);
    await postFrom(limited, client, '/auth/register', invalid);
    const email = uniqueEmail('limited');

    // Act
    const response = await postFrom(limited, client, '/auth/register', { email, password: PASSWORD, name: 'Limited' });

    // Assert
    expect(response).toMatchObject({
      status: 429,
      headers: {
        'content-type': PROBLEM_CONTENT_TYPE,
        'retry-after': '60',
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
      },
      body: { status: 429, code: 'TOO_MANY_REQUESTS' },
    });
    const login = await request(app).post('/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(401);
  });
});
