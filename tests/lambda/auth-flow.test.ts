import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventSources } from '@lambdalith/testing';
import { invoke, loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';

interface SentEmail {
  readonly FromEmailAddress: string;
  readonly Destination: { readonly ToAddresses: readonly string[] };
}

let ses: Server;
const sentEmails: SentEmail[] = [];

// SES's stand-in on loopback (there is no internet here): the real SDK client, signed requests and all,
// talks to it through SES_ENDPOINT, and it records what the function sent.
beforeAll(async () => {
  ses = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v2/email/outbound-emails')
        sentEmails.push(JSON.parse(body) as SentEmail);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ MessageId: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => ses.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => ses.close(() => resolve()));
});

// After the stand-in's beforeAll, so its port is known.
loadHandler(() =>
  lambdaTestEnv({
    SES_ENDPOINT: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
    // Metrics are covered elsewhere; here they would only fill the test output.
    METRICS_ENABLED: 'false',
  }),
);

// Each test is its own client (rate limits count per source IP, in the shared table).
function testNetAddress(): string {
  return `198.51.100.${1 + Math.floor(Math.random() * 254)}`;
}

describe.each(eventSources)('register → login → me through the Lambda handler behind $name', (source) => {
  jest.setTimeout(30_000);

  it('registers (sending the welcome email through SES), logs in, and reads the caller back with the token', async () => {
    // Arrange
    const email = `lambda-${randomUUID()}@example.com`;
    const password = 'lambda flow password';
    const sourceIp = testNetAddress();
    const json = { 'Content-Type': 'application/json' };

    // Act
    const registered = await invoke(source, {
      method: 'POST',
      path: '/auth/register',
      headers: json,
      body: JSON.stringify({ email: email.toUpperCase(), password, name: 'Lambda User' }),
      sourceIp,
    });
    const loggedIn = await invoke(source, {
      method: 'POST',
      path: '/auth/login',
      headers: json,
      body: JSON.stringify({ email, password }),
      sourceIp,
    });
    const token = (JSON.parse(loggedIn.body) as { accessToken?: string }).accessToken ?? '';
    const me = await invoke(source, {
      method: 'GET',
      path: '/users/me',
      headers: { Authorization: `Bearer ${token}` },
      sourceIp,
    });

    // Assert
    const user = JSON.parse(registered.body) as { id: string };
    expect(registered).toMatchObject({
      statusCode: 201,
      headers: { location: `/users/${user.id}`, etag: '"v1"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(user).toEqual({
      id: expect.any(String),
      email,
      name: 'Lambda User',
      role: 'user',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(loggedIn).toMatchObject({ statusCode: 200, headers: { 'cache-control': 'no-store' } });
    expect(JSON.parse(loggedIn.body)).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3_600,
    });
    expect(me).toMatchObject({ statusCode: 200, headers: { etag: '"v1"', 'cache-control': 'no-store' } });
    expect(JSON.parse(me.body)).toEqual(user);
    expect(sentEmails.filter((sent) => sent.Destination.ToAddresses.includes(email))).toEqual([
      expect.objectContaining({ FromEmailAddress: 'no-reply@example.com', Destination: { ToAddresses: [email] } }),
    ]);
  });

  it('accepts a base64-encoded JSON body, as API Gateway sends binary media types', async () => {
    // Arrange
    const email = `lambda-b64-${randomUUID()}@example.com`;
    const sourceIp = testNetAddress();

    // Act
    const response = await invoke(source, {
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'base64 body password', name: 'Encoded' }),
      base64: true,
      sourceIp,
    });

    // Assert
    expect(response).toMatchObject({ statusCode: 201, headers: { etag: '"v1"' } });
    expect(JSON.parse(response.body)).toMatchObject({ email, name: 'Encoded' });
  });

  it('answers GET /users/me without a token with a 401 problem and WWW-Authenticate', async () => {
    // Act
    const response = await invoke(source, { method: 'GET', path: '/users/me', sourceIp: testNetAddress() });

    // Assert
    expect(response).toMatchObject({
      statusCode: 401,
      headers: {
        'www-authenticate': expect.stringMatching(/^Bearer/),
        'content-type': 'application/problem+json; charset=utf-8',
      },
    });
    expect(JSON.parse(response.body)).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});
