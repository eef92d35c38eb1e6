import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import { lambdaContext } from '@lambdalith/testing';
import { applicationLoadBalancer, functionUrl, httpApiV2, restApiV1, type EventSource } from '@lambdalith/testing';
import { loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';

// WARN: the rejection is logged at that level, through the app's logger (JSON on stdout in Lambda).
const handler = loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false', LOG_LEVEL: 'WARN' }));

/**
 * What the invocation printed: the logger's JSON lines (Powertools writes warnings to stderr; the console
 * methods are caught too, should a logger use the global console), and anything on console.error.
 */
function captureLogs(): {
  logLines: () => Record<string, unknown>[];
  consoleErrors: () => unknown[][];
  restore: () => void;
} {
  const written: string[] = [];
  const collect = (chunk: unknown): void => {
    written.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line !== ''),
    );
  };
  const spies = [
    ...[process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        collect(chunk);
        return true;
      }),
    ),
    ...(['log', 'info', 'warn', 'debug'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => collect(args[0])),
    ),
  ];
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  return {
    logLines: () =>
      written.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    consoleErrors: () => consoleError.mock.calls,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      consoleError.mockRestore();
    },
  };
}

function without(source: EventSource, ...fields: string[]): Record<string, unknown> {
  const event = source.event({ method: 'GET', path: '/health' }) as Record<string, unknown>;
  for (const field of fields) delete event[field];
  return event;
}

function withoutHttp(source: EventSource): Record<string, unknown> {
  const event = source.event({ method: 'GET', path: '/health' }) as { requestContext: Record<string, unknown> };
  const { http: _http, ...requestContext } = event.requestContext;
  return { ...event, requestContext };
}

describe('the Lambda handler given an incomplete HTTP event', () => {
  it.each([
    ['an HTTP API event without headers', httpApiV2, () => without(httpApiV2, 'headers'), 'headers'],
    ['an HTTP API event without rawPath', httpApiV2, () => without(httpApiV2, 'rawPath'), 'rawPath'],
    [
      'an HTTP API event without requestContext.http',
      httpApiV2,
      () => withoutHttp(httpApiV2),
      'requestContext.http.method',
    ],
    [
      'a Function URL event without headers and rawPath',
      functionUrl,
      () => without(functionUrl, 'headers', 'rawPath'),
      'rawPath, headers',
    ],
    ['a REST API event without path', restApiV1, () => without(restApiV1, 'path', 'pathParameters'), 'path'],
    ['a REST API event without httpMethod', restApiV1, () => without(restApiV1, 'httpMethod'), 'httpMethod'],
    ['an ALB event without path', applicationLoadBalancer, () => without(applicationLoadBalancer, 'path'), 'path'],
  ])(
    'answers %s with a 400 problem, logged through the logger, nothing on console.error',
    async (_label, source, event, missing) => {
      // Arrange
      const context = lambdaContext();
      const logs = captureLogs();

      // Act
      let result: unknown;
      try {
        result = await handler()(event(), context);
      } finally {
        logs.restore();
      }

      // Assert
      const response = source.parseResult(result);
      expect(response).toMatchObject({
        statusCode: 400,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': context.awsRequestId },
      });
      expect(JSON.parse(response.body)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: `The Lambda event is not a complete HTTP request (missing or invalid: ${missing})`,
        code: 'INVALID_EVENT',
        requestId: context.awsRequestId,
      });
      expect(logs.logLines()).toEqual([
        expect.objectContaining({
          level: 'WARN',
          message: 'Lambda event rejected: not a complete HTTP event',
          requestId: context.awsRequestId,
          missing: missing.split(', '),
        }),
      ]);
      expect(logs.consoleErrors()).toEqual([]);
    },
  );

  it('still serves a REST API event without headers, which serverless-express handles', async () => {
    // Arrange
    const event = without(restApiV1, 'headers', 'multiValueHeaders');

    // Act
    const response = restApiV1.parseResult(await handler()(event, lambdaContext()));

    // Assert
    expect(response.statusCode).toBe(200);
  });
});
