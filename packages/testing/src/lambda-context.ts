import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A complete Lambda `Context`, as the runtime passes it; every invocation gets its own awsRequestId. */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const awsRequestId = overrides.awsRequestId ?? randomUUID();
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lambdalith-test-ApiFunction',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lambdalith-test-ApiFunction:live',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/lambdalith-test-ApiFunction',
    logStreamName: '2026/11/27/[1]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}
