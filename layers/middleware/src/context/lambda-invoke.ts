import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

/**
 * The Lambda invocation a request came from. `requestContext` is the event's own (API Gateway REST/HTTP,
 * ALB or Function URL); its shape depends on the event source, so it is kept as a plain record.
 *
 * @example
 * ```ts
 * const invoke: LambdaInvoke | undefined = getLambdaInvoke();
 * const remainingMs = invoke?.context.getRemainingTimeInMillis();
 * ```
 */
export interface LambdaInvoke {
  readonly event: LambdaHttpEvent;
  readonly context: Context;
  /** `true` for the first invocation this execution environment serves (Lambda's "cold start"). */
  readonly coldStart: boolean;
}

/**
 * The parts of an HTTP-like Lambda event this package reads. The `aws-lambda` event types (API Gateway REST
 * and HTTP API, ALB, Function URL) are all assignable to it; no index signature, so they stay assignable.
 *
 * @example
 * ```ts
 * export const handler = withLambdaInvoke(async (event: APIGatewayProxyEventV2, context: Context) =>
 *   proxy(event, context),
 * );
 * ```
 */
export interface LambdaHttpEvent {
  readonly requestContext?: {
    readonly requestId?: string;
    readonly http?: { readonly sourceIp?: string };
    readonly identity?: { readonly sourceIp?: string | null };
    readonly authorizer?: unknown;
    /** Present on Application Load Balancer events only. */
    readonly elb?: { readonly targetGroupArn?: string };
  };
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  /** REST APIs, and ALB target groups with multi-value headers enabled (then `headers` is absent). */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
}

// serverless-express keeps the current invoke in ONE module-level object, so two concurrent invocations in
// one execution environment (Lambda Managed Instances) would overwrite each other. An AsyncLocalStorage
// scope per invocation keeps each request bound to its own event and context.
const invokeStorage = new AsyncLocalStorage<LambdaInvoke>();

// Process-wide on purpose: "cold start" describes the execution environment, not a request. Only the
// first invocation the wrapped handler sees is cold, even when several arrive at once.
let servedAnInvocation = false;

/**
 * Wraps a Lambda handler so that every request it serves can read its own invocation with
 * {@link getLambdaInvoke}. Use it around the serverless-express handler.
 *
 * @example
 * ```ts
 * const proxy = serverlessExpress({ app });
 * export const handler = withLambdaInvoke(proxy);
 * ```
 */
export function withLambdaInvoke<TEvent extends LambdaHttpEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): (event: TEvent, context: Context) => Promise<TResult> {
  return function lambdaInvokeScope(event, context) {
    const coldStart = !servedAnInvocation;
    servedAnInvocation = true;
    return invokeStorage.run({ event, context, coldStart }, () => handler(event, context));
  };
}

/**
 * The invocation serving the current request, or `undefined` outside Lambda (`npm start`, tests).
 *
 * @example
 * ```ts
 * const awsRequestId = getLambdaInvoke()?.context.awsRequestId;
 * ```
 */
export function getLambdaInvoke(): LambdaInvoke | undefined {
  return invokeStorage.getStore();
}
