import { randomUUID } from 'node:crypto';
import serverlessExpress from '@codegenie/serverless-express';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Express } from 'express';
import { withLambdaInvoke } from '@lambdalith/middleware';

/** A complete Lambda context for one invocation. */
export function fakeContext(awsRequestId: string = randomUUID()): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'middleware-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:middleware-test',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/middleware-test',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpApiRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly sourceIp?: string;
  readonly gatewayRequestId?: string;
  readonly authorizer?: unknown;
  readonly body?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?');
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'api.example.com', 'user-agent': 'jest', ...request.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '203.0.113.10', userAgent: 'jest' },
      requestId: request.gatewayRequestId ?? randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1_767_225_600_000,
      ...(request.authorizer === undefined ? {} : { authorizer: request.authorizer }),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The app behind serverless-express, wrapped in withLambdaInvoke exactly as a Lambda entry point does it. */
export function lambdaHandler(app: Express): LambdaHandler {
  const proxy = serverlessExpress({ app });
  return withLambdaInvoke(async (event: APIGatewayProxyEventV2, context: Context) =>
    (await proxy(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2,
  );
}
