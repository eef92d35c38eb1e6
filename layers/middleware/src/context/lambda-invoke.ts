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
const invokeStorage = new AsyncLocalStorage<InvokeScope>();

/** Header name (lower-case) → value. */
export type ResultHeaders = Readonly<Record<string, string>>;

/** The invocation, plus the headers its result is to carry (see {@link addResultHeaders}). */
interface InvokeScope extends LambdaInvoke {
  resultHeaders: ResultHeaders[] | undefined;
}

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
    const scope: InvokeScope = { event, context, coldStart, resultHeaders: undefined };
    return invokeStorage.run(scope, async () => {
      const result = await handler(event, context);
      if (scope.resultHeaders !== undefined) addHeadersToResult(result, scope.resultHeaders);
      return result;
    });
  };
}

/**
 * Inside a {@link withLambdaInvoke} scope: adds `headers` (lower-case names) to this invocation's result, where
 * the response has not set them itself, and returns `true`; outside one (`npm start`, tests) returns `false`
 * and the caller sets them on the response. Used by the middleware for headers every response carries
 * (`securityHeaders()`, the request id): a header on Node's response costs its validation and
 * serverless-express's copy into the result, about 0.6 µs each per request, where adding a constant to the
 * result costs next to nothing. The response wins, as a later `res.setHeader` would; a header added here
 * cannot be removed by the app, and is not visible through `res.getHeader()`.
 */
export function addResultHeaders(headers: ResultHeaders): boolean {
  const scope = invokeStorage.getStore();
  if (scope === undefined) return false;
  if (scope.resultHeaders === undefined) scope.resultHeaders = [headers];
  else scope.resultHeaders.push(headers);
  return true;
}

type HeaderRecord = Record<string, unknown>;

const isHeaderRecord = (value: unknown): value is HeaderRecord => typeof value === 'object' && value !== null;

// serverless-express's results: API Gateway HTTP API and Function URLs have `headers`; REST APIs have
// `multiValueHeaders`; an ALB one or the other, as its event had. Names are lower-case (Node's
// getHeaders()). Anything that is not an HTTP result (no numeric statusCode) is left alone.
function addHeadersToResult(result: unknown, groups: readonly ResultHeaders[]): void {
  if (!isHeaderRecord(result) || typeof result['statusCode'] !== 'number') return;
  const multiValue = isHeaderRecord(result['multiValueHeaders']) ? result['multiValueHeaders'] : undefined;
  let single = isHeaderRecord(result['headers']) ? result['headers'] : undefined;
  if (single === undefined && multiValue === undefined) {
    single = {};
    result['headers'] = single;
  }
  for (const headers of groups) {
    for (const name in headers) {
      if (single?.[name] !== undefined || multiValue?.[name] !== undefined) continue;
      const value = headers[name] as string;
      if (multiValue !== undefined) multiValue[name] = [value];
      else if (single !== undefined) single[name] = value;
    }
  }
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
