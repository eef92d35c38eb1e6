import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { lambdaHosts, nodeHttpHost, type Host } from '../helpers/every-host';
import { loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { createUsersTestApp, seedUser, storedUser, tokenFor } from '../helpers/user-fixtures';

// Edge cases that answered 500, or differently per host, each run on node:http (npm start) and the real
// Lambda handler behind every event source.

const ALLOWED_ORIGIN = 'https://app.example.com';
const handler = loadHandler(
  lambdaTestEnv({ METRICS_ENABLED: 'false', AUTH_RATE_LIMIT: '1000000', CORS_ORIGINS: ALLOWED_ORIGIN }),
);

const { app } = createUsersTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });
const lambda = lambdaHosts(handler);
const hosts: Host[] = [nodeHttpHost(app), ...lambda];

function problemOf(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe.each(hosts)('edge cases on $name', (host) => {
  it('answers a validly signed token whose sub is 3000 characters long with 401, not 500', async () => {
    // Arrange
    // Not a stored user (DynamoDB could not even look it up): generation 0, as a fresh account's.
    const token = await tokenFor('u'.repeat(3_000), 0);

    // Act
    const response = await host.send({
      method: 'GET',
      path: '/users/me',
      headers: { Authorization: `Bearer ${token}` },
    });

    // Assert
    expect(response).toMatchObject({ statusCode: 401, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(problemOf(response)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it("serves GET, PATCH and DELETE of one's own id written in capitals (UUIDs compare case-insensitively)", async () => {
    // Arrange
    const user = await seedUser();
    const authorization = `Bearer ${await tokenFor(user.id)}`;
    const path = `/users/${user.id.toUpperCase()}`;

    // Act
    const read = await host.send({ method: 'GET', path, headers: { Authorization: authorization } });
    const update = await host.send({
      method: 'PATCH',
      path,
      headers: { Authorization: authorization, 'Content-Type': 'application/json', 'If-Match': '"v1"' },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    const removal = await host.send({ method: 'DELETE', path, headers: { Authorization: authorization } });

    // Assert
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ id: user.id });
    expect(update.statusCode).toBe(200);
    expect(JSON.parse(update.body)).toMatchObject({ id: user.id, name: 'Renamed' });
    expect(removal.statusCode).toBe(204);
    expect(await storedUser(user.id)).toBeUndefined();
  });

  it('refuses an If-Match listing several ETags with 400 and changes nothing', async () => {
    // Arrange
    const user = await seedUser();
    const authorization = `Bearer ${await tokenFor(user.id)}`;
    const everyVersion = Array.from({ length: 5 }, (_, index) => `"v${index + 1}"`).join(', ');

    // Act
    const response = await host.send({
      method: 'PATCH',
      path: `/users/${user.id}`,
      headers: { Authorization: authorization, 'Content-Type': 'application/json', 'If-Match': everyVersion },
      body: JSON.stringify({ name: 'Overwritten' }),
    });

    // Assert
    expect(response).toMatchObject({ statusCode: 400, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(problemOf(response)).toMatchObject({ status: 400, code: 'INVALID_IF_MATCH' });
    expect(await storedUser(user.id)).toMatchObject({ name: user.name, version: 1 });
  });

  it('lists at most 20 validation errors and says how many more there were', async () => {
    // Arrange: a valid registration plus 500 fields nobody asked for
    const unknown = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`field${index}`, 'x']));
    const body = JSON.stringify({
      email: 'capped@example.com',
      password: 'a perfectly fine password',
      name: 'Ada',
      ...unknown,
    });

    // Act
    const response = await host.send({
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    // Assert
    const problem = problemOf(response);
    expect(response.statusCode).toBe(400);
    expect(problem).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid: 500 errors, the first 20 listed (480 more)',
    });
    expect(problem['errors']).toEqual(
      Array.from({ length: 20 }, (_, index) => ({ field: `field${index}`, message: 'Unknown field' })),
    );
    expect(response.body.length).toBeLessThan(2_000);
  });

  it('gives a preflight from a disallowed origin no CORS headers at all, and an allowed one its headers', async () => {
    // Arrange
    const preflight = (origin: string) => ({
      method: 'OPTIONS',
      path: '/users/me',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });

    // Act
    const refused = await host.send(preflight('https://evil.example.net'));
    const allowed = await host.send(preflight(ALLOWED_ORIGIN));

    // Assert
    expect(Object.keys(refused.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(refused.headers['vary']).toMatch(/Origin/);
    expect(allowed).toMatchObject({
      statusCode: 204,
      headers: {
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-methods': expect.stringContaining('GET'),
      },
    });
  });
});

// A plain ALB target group (multi-value headers off) passes only the last value of a repeated header, so
// the function cannot know there were two; every other host can, and must refuse.
describe.each(hosts.filter((host) => host.name !== 'ALB'))('two Authorization headers on $name', (host) => {
  it('are refused with 400, whichever comes first', async () => {
    // Arrange
    const user = await seedUser();
    const valid = `Bearer ${await tokenFor(user.id)}`;
    const other = `Bearer ${await tokenFor((await seedUser()).id)}`;

    // Act
    const responses = await Promise.all([
      host.send({ method: 'GET', path: '/users/me', headers: { Authorization: [valid, other] } }),
      host.send({ method: 'GET', path: '/users/me', headers: { Authorization: [valid, 'Bearer not-a-token'] } }),
    ]);

    // Assert
    for (const response of responses) {
      expect(response).toMatchObject({
        statusCode: 400,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'www-authenticate': 'Bearer error="invalid_request"' },
      });
      expect(problemOf(response)).toMatchObject({ status: 400, code: 'MULTIPLE_AUTHORIZATION_HEADERS' });
    }
  });
});
