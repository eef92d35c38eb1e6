import type { Context } from 'aws-lambda';
import { httpApiV2, lambdaContext, type NormalizedResponse } from '@lambdalith/testing';
import { loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { seedUser, tokenFor } from '../helpers/user-fixtures';

// A Lambda environment may serve several invocations at once (Managed Instances), and serverless-express
// keeps the "current invoke" in one module-level object. This drives the REAL handler (src/lambda.ts) with
// 50 overlapping invocations, different users and request ids, and checks that no response, log line or
// metric of one invocation carries another's identity.

const AUTHENTICATED = 40;
const ANONYMOUS = 10;

// Logs and metrics on, as in Lambda, so their per-request data can be checked too.
// A generous DynamoDB timeout: 50 simultaneous reads on a 2-core DynamoDB Local are about isolation here, not speed.
const handler = loadHandler(
  lambdaTestEnv({ LOG_LEVEL: 'INFO', METRICS_ENABLED: 'true', DYNAMODB_REQUEST_TIMEOUT_MS: '10000' }),
);

interface Caller {
  readonly userId: string | undefined;
  readonly email: string | undefined;
  readonly token: string | undefined;
  readonly context: Context;
  readonly sourceIp: string;
}

async function callers(): Promise<Caller[]> {
  // Seeded one by one: the point is concurrency in the handler, not in the test's own set-up.
  const authenticated: Caller[] = [];
  for (let index = 0; index < AUTHENTICATED; index += 1) {
    const user = await seedUser({ name: `Concurrent ${index}` });
    authenticated.push({
      userId: user.id,
      email: user.email,
      token: await tokenFor(user.id),
      context: lambdaContext(),
      sourceIp: `198.51.100.${index + 1}`,
    });
  }
  const anonymous = Array.from({ length: ANONYMOUS }, (_, index) => ({
    userId: undefined,
    email: undefined,
    token: undefined,
    context: lambdaContext(),
    sourceIp: `203.0.113.${index + 1}`,
  }));
  // Interleave, so anonymous invocations run between authenticated ones.
  return authenticated.flatMap((caller, index) =>
    index < anonymous.length ? [caller, anonymous[index] as Caller] : [caller],
  );
}

/** Everything the function printed to stdout during `action`, parsed as JSON lines. */
async function capturingStdout<T>(action: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const result = await action();
    const lines = written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}

describe('50 concurrent invocations of the Lambda handler', () => {
  jest.setTimeout(60_000);

  it('keep every caller’s identity, request id, log line and metrics to itself', async () => {
    // Arrange
    const all = await callers();

    // Act
    const { result: responses, lines } = await capturingStdout(() =>
      Promise.all(
        all.map(async (caller) =>
          httpApiV2.parseResult(
            await handler()(
              httpApiV2.event({
                method: 'GET',
                path: '/users/me',
                headers: caller.token === undefined ? {} : { Authorization: `Bearer ${caller.token}` },
                sourceIp: caller.sourceIp,
              }),
              caller.context,
            ),
          ),
        ),
      ),
    );

    // Assert: responses
    all.forEach((caller, index) => {
      const response = responses[index] as NormalizedResponse;
      expect(response.headers['x-request-id']).toBe(caller.context.awsRequestId);
      if (caller.userId === undefined) {
        expect(response.statusCode).toBe(401);
        expect(JSON.parse(response.body)).toMatchObject({
          code: 'UNAUTHORIZED',
          requestId: caller.context.awsRequestId,
        });
      } else {
        expect(response.statusCode).toBe(200);
        expect(response.headers['cache-control']).toBe('no-store');
        expect(JSON.parse(response.body)).toMatchObject({ id: caller.userId, email: caller.email });
      }
    });

    // Assert: exactly one request log line per invocation, with that invocation's ids and user only
    const requestLines = lines.filter((line) => line['message'] === 'request completed');
    expect(requestLines).toHaveLength(all.length);
    for (const caller of all) {
      const own = requestLines.filter((line) => line['function_request_id'] === caller.context.awsRequestId);
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({
        method: 'GET',
        route: '/users/me',
        status: caller.userId === undefined ? 401 : 200,
        requestId: caller.context.awsRequestId,
      });
      expect(own[0]?.['userId']).toBe(caller.userId);
    }

    // Assert: one metrics document per invocation, each with the route pattern and its own status class
    const metricDocuments = lines.filter((line) => '_aws' in line && 'Latency' in line);
    expect(metricDocuments).toHaveLength(all.length);
    expect(metricDocuments.filter((doc) => doc['route'] === '/users/me' && doc['4xx'] === 1)).toHaveLength(ANONYMOUS);
    expect(
      metricDocuments.filter((doc) => doc['route'] === '/users/me' && doc['4xx'] === 0 && doc['5xx'] === 0),
    ).toHaveLength(AUTHENTICATED);
  });
});
