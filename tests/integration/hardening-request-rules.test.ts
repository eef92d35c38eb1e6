import { randomUUID } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import request from 'supertest';
import { lambdaHosts, nodeHttpHost, type Host } from '../helpers/every-host';
import { loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { bearer, createUsersTestApp, SEED_PASSWORD, seedUser, uniqueEmail } from '../helpers/user-fixtures';

const handler = loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false', AUTH_RATE_LIMIT: '1000000' }));

const { app } = createUsersTestApp();
const hosts: Host[] = [nodeHttpHost(app), ...lambdaHosts(handler)];

const PASSWORD = 'a perfectly fine password';

describe.each(hosts)('POST /auth/register on $name', (host) => {
  it.each([
    ['markup in the local part', '<script>alert(1)</script>@x.test'],
    ['a display name', 'Ada <ada@example.com>'],
    ['a quoted local part', '"ada lovelace"@example.com'],
    ['a quoted local part hiding markup', '"<script>"@example.com'],
    ['an ESC character', 'ada\u001b[31m@example.com'],
    ['a BEL character', 'ada\u0007@example.com'],
    ['a NUL character', 'ada\u0000@example.com'],
    ['an IP address as domain', 'ada@[127.0.0.1]'],
    ['a domain without a TLD', 'ada@localhost'],
  ])('returns 400 for an email with %s, and registers nothing', async (_label, email) => {
    // Arrange
    const body = JSON.stringify({ email, password: PASSWORD, name: 'Mallory' });

    // Act
    const response = await host.send({
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    // Assert
    expect(response).toMatchObject({ statusCode: 400, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'email', message: 'must be an email address' }],
    });
  });

  it('still registers a plain address, an internationalised local part and a plus tag', async () => {
    // Arrange
    const emails = [uniqueEmail('plain'), `jürgen+${randomUUID()}@example.com`];

    // Act
    const responses = await Promise.all(
      emails.map((email) =>
        host.send({
          method: 'POST',
          path: '/auth/register',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD, name: 'Ada' }),
          sourceIp: '198.51.100.7',
        }),
      ),
    );

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201]);
  });

  it.each([
    ['a quoted parameter hiding charset=utf-8', 'application/json; note="; charset=utf-8"; charset=utf-16le'],
    ['charset named twice', 'application/json; charset=utf-8; charset=utf-16le'],
    ['a quoted UTF-16 charset', 'application/json; charset="utf-16le"'],
    ['a malformed parameter', 'application/json; charset'],
  ])('returns 415 for a UTF-16LE body whose media type has %s', async (_label, contentType) => {
    // Arrange
    const email = uniqueEmail('utf16');
    const body = Buffer.from(JSON.stringify({ email, password: PASSWORD, name: 'Mallory' }), 'utf16le');

    // Act
    const response = await host.send({
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': contentType },
      body,
    });

    // Assert
    expect(response).toMatchObject({ statusCode: 415, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(JSON.parse(response.body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('PATCH /users/{id} email', () => {
  it('returns 400 for markup or a display name in the new email, and keeps the old one', async () => {
    // Arrange
    const user = await seedUser();
    const authorization = await bearer(user.id);
    const emails = ['<script>alert(1)</script>@x.test', `Ada <${uniqueEmail()}>`];

    // Act
    const responses = await Promise.all(
      emails.map((email) =>
        request(app)
          .patch(`/users/${user.id}`)
          .set(authorization)
          .set('If-Match', '"v1"')
          .send({ email, currentPassword: SEED_PASSWORD }),
      ),
    );

    // Assert
    for (const response of responses) {
      expect(response).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED', errors: [{ field: 'email', message: 'must be an email address' }] },
      });
    }
    const me = await request(app).get(`/users/${user.id}`).set(authorization);
    expect(me.body).toMatchObject({ email: user.email });
  });
});
