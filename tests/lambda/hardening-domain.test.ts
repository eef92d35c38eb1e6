import { eventSources, type EventSource, type NormalizedResponse } from '@lambdalith/testing';
import { FREE_FAILURES } from '../../src/domain/login-backoff';
import { PasswordHasher } from '../../src/domain/password-hasher';
import type { StoredUser } from '../../src/domain/user';
import { invoke, loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { SEED_PASSWORD, seedUser, storedUser, tokenFor } from '../helpers/user-fixtures';

// Issue 9 (the domain half), through the real Lambda handler: the same behaviour as under npm start.

loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false' }));

// Each test is its own client (rate limits count per source IP, in the shared table).
function testNetAddress(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 254);
  return `10.${octet()}.${octet()}.${octet()}`;
}

const json = { 'Content-Type': 'application/json' };

async function login(
  source: EventSource,
  email: string,
  password: string,
  sourceIp: string,
): Promise<NormalizedResponse> {
  return invoke(source, {
    method: 'POST',
    path: '/auth/login',
    headers: json,
    body: JSON.stringify({ email, password }),
    sourceIp,
  });
}

function bearerOf(response: NormalizedResponse): { Authorization: string } {
  return { Authorization: `Bearer ${(JSON.parse(response.body) as { accessToken: string }).accessToken}` };
}

describe.each(eventSources)('token revocation through the Lambda handler behind $name', (source) => {
  jest.setTimeout(30_000);

  it('POST /auth/logout answers 204, and the token stops working', async () => {
    // Arrange
    const user = await seedUser();
    const sourceIp = testNetAddress();
    const token = bearerOf(await login(source, user.email, SEED_PASSWORD, sourceIp));

    // Act
    const loggedOut = await invoke(source, { method: 'POST', path: '/auth/logout', headers: token, sourceIp });
    const me = await invoke(source, { method: 'GET', path: '/users/me', headers: token, sourceIp });

    // Assert
    expect(loggedOut.statusCode).toBe(204);
    expect(me).toMatchObject({
      statusCode: 401,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
    expect(JSON.parse(me.body)).toMatchObject({ code: 'INVALID_TOKEN', detail: 'The access token is no longer valid' });
  });
});

const httpApi = eventSources.find((source) => source.name === 'API Gateway HTTP API (v2)');
if (httpApi === undefined) throw new Error('no HTTP API (v2) event source');

/** A user whose stored hash is cheap to check (the back-off is under test, not scrypt's cost). */
async function seedCheapUser(): Promise<StoredUser> {
  return seedUser({ passwordHash: await new PasswordHasher({ log2N: 12, r: 8, p: 1 }).hash(SEED_PASSWORD) });
}

describe('password checks through the Lambda handler behind API Gateway HTTP API (v2)', () => {
  jest.setTimeout(60_000);

  it("locks only the guessing client's address: the owner's correct password from another sourceIp gets in", async () => {
    // Arrange
    const user = await seedCheapUser();
    const stranger = testNetAddress();
    let owner = testNetAddress();
    while (owner === stranger) owner = testNetAddress();
    for (let guess = 0; guess < FREE_FAILURES; guess += 1) {
      expect((await login(httpApi, user.email, `stranger guess ${guess}`, stranger)).statusCode).toBe(401);
    }

    // Act
    const strangerWithTheRightPassword = await login(httpApi, user.email, SEED_PASSWORD, stranger);
    const ownerFromElsewhere = await login(httpApi, user.email, SEED_PASSWORD, owner);

    // Assert
    expect([strangerWithTheRightPassword.statusCode, ownerFromElsewhere.statusCode]).toEqual([401, 200]);
  });

  it('lets 10 concurrent correct logins of one account from one address all succeed', async () => {
    // Arrange
    const user = await seedCheapUser();
    const sourceIp = testNetAddress();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => login(httpApi, user.email, SEED_PASSWORD, sourceIp)),
    );

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual(Array.from({ length: 10 }, () => 200));
  });

  it('checks currentPassword before the email is looked up, and counts a wrong one against the address', async () => {
    // Arrange
    const user = await seedCheapUser();
    const holder = await seedUser();
    const sourceIp = testNetAddress();
    const headers = { ...json, Authorization: `Bearer ${await tokenFor(user.id)}`, 'If-Match': '"v1"' };

    // Act
    const response = await invoke(httpApi, {
      method: 'PATCH',
      path: `/users/${user.id}`,
      headers,
      body: JSON.stringify({ email: holder.email, currentPassword: 'not the password at all' }),
      sourceIp,
    });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'currentPassword', message: 'is incorrect' }],
    });
    expect(await storedUser(user.id)).toMatchObject({ email: user.email, failedLoginCount: 1 });
  });
});
