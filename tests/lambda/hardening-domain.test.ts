import type { Context } from 'aws-lambda';
import { lambdaContext } from '../helpers/lambda-context';
import { eventSources, type EventSource, type HttpRequestSpec, type NormalizedResponse } from '../helpers/lambda-events';
import { lambdaTestEnv } from '../helpers/test-environment';
import { SEED_PASSWORD, seedUser } from '../helpers/user-fixtures';

// Issue 9 (the domain half), through the real Lambda handler: the same behaviour as under npm start.

type Handler = (event: object, context: Context) => Promise<unknown>;

let handler: Handler;
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, lambdaTestEnv({ METRICS_ENABLED: 'false' }));
  ({ handler } = (await import('../../src/lambda')) as { handler: Handler });
});

afterAll(() => {
  process.env = savedEnv;
});

async function invoke(source: EventSource, spec: HttpRequestSpec): Promise<NormalizedResponse> {
  return source.parseResult(await handler(source.event(spec), lambdaContext()));
}

// Each test is its own client (rate limits count per source IP, in the shared table).
function testNetAddress(): string {
  return `203.0.113.${1 + Math.floor(Math.random() * 254)}`;
}

const json = { 'Content-Type': 'application/json' };

async function login(source: EventSource, email: string, password: string, sourceIp: string): Promise<NormalizedResponse> {
  return invoke(source, { method: 'POST', path: '/auth/login', headers: json, body: JSON.stringify({ email, password }), sourceIp });
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
    expect(me).toMatchObject({ statusCode: 401, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });
    expect(JSON.parse(me.body)).toMatchObject({ code: 'INVALID_TOKEN', detail: 'The access token is no longer valid' });
  });
});
