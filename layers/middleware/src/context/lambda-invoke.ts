import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { RequestContext } from './request-context';

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

/**
 * What the package keeps per invocation besides the public {@link LambdaInvoke}: the headers its result is to
 * carry (see {@link queueResultHeaders}) and the context of the request it serves (see
 * {@link claimInvocationForRequest}).
 */
interface InvokeScope {
  readonly invoke: LambdaInvoke;
  resultHeaders: ResultHeaders[] | undefined;
  requestContext: RequestContext | undefined;
  /** Whether the missing-result warning was given (once per invocation is enough). */
  warned: boolean;
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
    const scope: InvokeScope = {
      invoke: { event, context, coldStart },
      resultHeaders: undefined,
      requestContext: undefined,
      warned: false,
    };
    return invokeStorage.run(scope, async () => {
      const result = await handler(event, context);
      if (scope.resultHeaders !== undefined) applyResultHeaders(result, scope);
      return result;
    });
  };
}

/**
 * Inside a {@link withLambdaInvoke} scope: queues `headers` (lower-case names) for this invocation's result,
 * where the response has not set them itself, and returns `true`; outside one (`npm start`, tests) returns
 * `false` and the caller sets them on the response. Used by the middleware for headers every response carries
 * (`securityHeaders()`, the request id): a header on Node's response costs its validation and
 * serverless-express's copy into the result, about 0.6 µs each per request, where adding a constant to the
 * result costs next to nothing.
 *
 * What differs from `res.setHeader`: the response's own value wins (even one set by middleware that ran
 * earlier), a queued header cannot be removed by the app and is not visible through `res.getHeader()`, and the
 * wrapped handler must resolve to its HTTP result (serverless-express's default, `PROMISE` resolution) for
 * the headers to reach the client; when it resolves to anything else they cannot, and a warning says so.
 */
export function queueResultHeaders(headers: ResultHeaders): boolean {
  const scope = invokeStorage.getStore();
  if (scope === undefined) return false;
  if (scope.resultHeaders === undefined) scope.resultHeaders = [headers];
  else scope.resultHeaders.push(headers);
  return true;
}

/**
 * Inside a {@link withLambdaInvoke} scope whose request has no context yet: records `context` as the
 * invocation's, where `getRequestContext()` finds it (the invocation's scope spans the request), and returns
 * `true`. Returns `false` outside one, or for a second request in the same invocation (an in-process
 * sub-request), which then needs a scope of its own.
 */
export function claimInvocationForRequest(context: RequestContext): boolean {
  const scope = invokeStorage.getStore();
  if (scope === undefined || scope.requestContext !== undefined) return false;
  scope.requestContext = context;
  return true;
}

/** The context of the request this invocation serves, once `requestContext()` has claimed it. */
export function invocationRequestContext(): RequestContext | undefined {
  return invokeStorage.getStore()?.requestContext;
}

type HeaderRecord = Record<string, unknown>;

const isHeaderRecord = (value: unknown): value is HeaderRecord => typeof value === 'object' && value !== null;

// serverless-express's results: API Gateway HTTP API and Function URLs have `headers`; REST APIs have
// `multiValueHeaders`; an ALB one or the other, as its event had. Names are lower-case (Node's
// getHeaders()).
function applyResultHeaders(result: unknown, scope: InvokeScope): void {
  if (!isHeaderRecord(result) || typeof result['statusCode'] !== 'number') {
    if (!scope.warned) {
      scope.warned = true;
      process.emitWarning(
        'withLambdaInvoke(): the handler did not resolve to an HTTP result, so the headers the middleware queued for it (security headers, the request id) were not sent. Wrap a handler that resolves to its result (serverless-express with the default PROMISE resolution).',
        { code: 'LAMBDALITH_RESULT_HEADERS_NOT_SENT' },
      );
    }
    return;
  }
  const multiValue = isHeaderRecord(result['multiValueHeaders']) ? result['multiValueHeaders'] : undefined;
  let single = isHeaderRecord(result['headers']) ? result['headers'] : undefined;
  if (single === undefined && multiValue === undefined) {
    single = {};
    result['headers'] = single;
  }
  for (const headers of scope.resultHeaders ?? []) {
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
  return invokeStorage.getStore()?.invoke;
}
