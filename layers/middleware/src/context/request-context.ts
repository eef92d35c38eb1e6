import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import {
  claimInvocationForRequest,
  getLambdaInvoke,
  invocationRequestContext,
  queueResultHeaders,
  type LambdaInvoke,
} from './lambda-invoke';
import { assertOptionsObject, type OptionKeys } from '../options/assert-options';

/**
 * Who made the request, once `authenticate()` has verified a token.
 *
 * @example
 * ```ts
 * const principal: Principal = { userId: user.id, roles: [user.role], claims };
 * ```
 */
export interface Principal {
  readonly userId: string;
  readonly roles: readonly string[];
  /** The verified token claims. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * Everything known about one request, the same shape in Lambda and under `npm start`.
 * `routePattern` and `principal` are filled in as the request travels through the stack.
 *
 * @example
 * ```ts
 * const { requestId, routePattern, principal }: RequestContext = requestContextOf(req);
 * ```
 */
export interface RequestContext {
  /** Unique per request: Lambda's `awsRequestId`, or a generated UUID locally. Echoed as `x-request-id`. */
  readonly requestId: string;
  /** API Gateway's request id (`apigw-requestid`) in Lambda; the request id locally. Logged, for joining traces. */
  readonly correlationId: string;
  /** Milliseconds since the epoch at which the request entered the stack. */
  readonly startedAt: number;
  /**
   * The client address: the socket's address locally; in Lambda, API Gateway's or the Function URL's
   * `sourceIp`, or behind an ALB the right-most `X-Forwarded-For` entry (the one the ALB appended).
   * `''` when the event carries none.
   */
  readonly sourceIp: string;
  /** The invocation behind this request; `undefined` outside Lambda. */
  readonly lambda: LambdaInvoke | undefined;
  /** The matched Express route pattern (`/users/:id`), once routing has matched. */
  routePattern: string | undefined;
  /** The authenticated caller, once `authenticate()` has run. */
  principal: Principal | undefined;
}

const contextStorage = new AsyncLocalStorage<RequestContext>();
// The context rides on the request under a private symbol, as Express's own per-request state does. Not in a
// WeakMap: every insert adds an ephemeron that lives until the next full GC, and in a warm Lambda the WeakMaps
// (this one and the response listeners') cost ~1.5 µs per request (BENCHMARKS.md).
const CONTEXT = Symbol('lambdalith.requestContext');
type RequestWithContext = Request & { [CONTEXT]?: RequestContext };

/**
 * Options of {@link requestContext}.
 *
 * @example
 * ```ts
 * app.use(requestContext({ header: 'x-correlation-id' }));
 * ```
 */
export interface RequestContextOptions {
  /** Response header that echoes the request id. Default `x-request-id`. */
  readonly header?: string;
}

const REQUEST_CONTEXT_OPTIONS: OptionKeys<RequestContextOptions> = { header: true };

/**
 * Creates the per-request context and makes it the one {@link getRequestContext} returns for the rest of the
 * stack: locally by running the rest of the stack in an AsyncLocalStorage scope, in Lambda by recording it on
 * the invocation's scope (`withLambdaInvoke()`'s). Mount it first.
 *
 * In Lambda, the request id is the invocation's `awsRequestId` (unique per invoke, even under
 * `sam local start-api`, which repeats the gateway's id) and API Gateway's `requestContext.requestId`
 * becomes the correlation id. Locally, a UUID is generated. Client-sent ids are never trusted as the
 * request id.
 *
 * @example
 * ```ts
 * app.use(requestContext());
 * ```
 */
export function requestContext(options: RequestContextOptions = {}): RequestHandler {
  assertOptionsObject('requestContext()', options, REQUEST_CONTEXT_OPTIONS);
  const header = options.header ?? 'x-request-id';
  if (!/^[a-z0-9-]+$/i.test(header)) {
    throw new TypeError(`requestContext(): "header" must be a valid HTTP header name, got ${JSON.stringify(header)}`);
  }

  const resultHeader = header.toLowerCase();

  return function requestContextMiddleware(req, res, next) {
    const lambda = getLambdaInvoke();
    const requestId = lambda?.context.awsRequestId ?? randomUUID();
    const gatewayRequestId = lambda?.event.requestContext?.requestId;
    const context: RequestContext = {
      requestId,
      correlationId: typeof gatewayRequestId === 'string' && gatewayRequestId !== '' ? gatewayRequestId : requestId,
      startedAt: Date.now(),
      sourceIp: lambda === undefined ? (req.socket.remoteAddress ?? '') : lambdaSourceIp(lambda),
      lambda,
      routePattern: undefined,
      principal: undefined,
    };
    (req as RequestWithContext)[CONTEXT] = context;
    recordRoutePatternWhenMatched(req);
    // In Lambda the invocation's own scope (withLambdaInvoke's AsyncLocalStorage) spans the request it serves,
    // so getRequestContext() finds the context there: a second scope around the rest of the stack cost ~3 µs per
    // warm request (BENCHMARKS.md), and the request id goes onto the invocation's result (queueResultHeaders).
    if (claimInvocationForRequest(context)) {
      queueResultHeaders({ [resultHeader]: requestId });
      next();
      return;
    }
    res.setHeader(header, requestId);
    contextStorage.run(context, next);
  };
}

// Express assigns `req.route` at the moment a route matches, while `req.baseUrl` still holds the mount
// path of the router that owns it. Later both are unreliable: when a route throws, Express restores
// `req.baseUrl` on the way out, so an error response would lose the prefix. Observing the assignment
// records the full pattern (`/users` + `/:id`) once, whatever happens afterwards.
// The observer is an accessor on the app's request prototype (Express gives every app its own), defined
// once per app rather than once per request: per-request property definitions cost measurably.
// Limitation: Express exposes no mount *pattern*, so a router mounted at a parameterised path
// (`app.use('/orgs/:orgId', router)`) contributes its matched value. Mount routers at literal paths.
const observedPrototypes = new WeakSet<object>();
const matchedRoute = Symbol('lambdalith.matchedRoute');

function recordRoutePatternWhenMatched(req: Request): void {
  const prototype: unknown = Object.getPrototypeOf(req);
  if (typeof prototype !== 'object' || prototype === null || observedPrototypes.has(prototype)) return;
  observedPrototypes.add(prototype);
  Object.defineProperty(prototype, 'route', {
    configurable: true,
    enumerable: false,
    get(this: Record<symbol, unknown>): unknown {
      return this[matchedRoute];
    },
    set(this: Request & Record<symbol, unknown>, value: unknown) {
      this[matchedRoute] = value;
      const context = (this as RequestWithContext)[CONTEXT];
      if (context === undefined) return;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (typeof path === 'string') context.routePattern = joinPattern(this.baseUrl, path);
      else if (Array.isArray(path))
        context.routePattern = path.map((item) => joinPattern(this.baseUrl, String(item))).join('|');
    },
  });
}

/**
 * The route pattern of a finished request: the one recorded when the route matched, or, for routes of a
 * mounted sub-app (whose requests use the sub-app's prototype), the one Express still shows at the end.
 */
export function finalRoutePattern(req: Request, context: RequestContext): string | undefined {
  if (context.routePattern !== undefined) return context.routePattern;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? joinPattern(req.baseUrl, path) : undefined;
}

function joinPattern(baseUrl: string, path: string): string {
  if (baseUrl === '' || baseUrl === '/') return path;
  return path === '/' ? baseUrl : `${baseUrl}${path}`;
}

// API Gateway REST (v1) puts the caller in `identity.sourceIp`, HTTP API and Function URLs in
// `http.sourceIp`. An ALB has neither: its only source is X-Forwarded-For, which it appends the address it
// saw to (after anything the client sent), so the right-most entry is the one to believe, and only on an ALB
// event: from any other source the header is the client's to forge. With multi-value headers enabled on the
// target group, `headers` is absent and a repeated header arrives as several values; the ALB's is in the last.
function lambdaSourceIp(lambda: LambdaInvoke): string {
  const { requestContext, headers, multiValueHeaders } = lambda.event;
  const ip = requestContext?.http?.sourceIp ?? requestContext?.identity?.sourceIp;
  if (typeof ip === 'string' && ip !== '') return ip;
  if (requestContext?.elb === undefined) return '';
  const forwarded =
    headerValue(headers, 'x-forwarded-for') ?? headerValue(multiValueHeaders, 'x-forwarded-for')?.at(-1);
  return forwarded?.split(',').at(-1)?.trim() ?? '';
}

// ALB passes header names as the client sent them (lower-cased in practice); match them the way HTTP does.
function headerValue<T>(
  headers: Readonly<Record<string, T | undefined>> | null | undefined,
  name: string,
): T | undefined {
  if (headers === undefined || headers === null) return undefined;
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * The context of the request being served by this async call chain, or `undefined` outside a request (and
 * before `requestContext()` has run for it).
 *
 * @example
 * ```ts
 * logger.info('charging card', { requestId: getRequestContext()?.requestId });
 * ```
 */
export function getRequestContext(): RequestContext | undefined {
  return contextStorage.getStore() ?? invocationRequestContext();
}

/**
 * The context of a given request. Throws when {@link requestContext} was not mounted, which is a wiring bug.
 *
 * @example
 * ```ts
 * router.get('/whoami', (req, res) => { res.json({ requestId: requestContextOf(req).requestId }); });
 * ```
 */
export function requestContextOf(req: Request): RequestContext {
  const context = (req as RequestWithContext)[CONTEXT];
  if (context === undefined) {
    throw new Error('requestContext() middleware must be mounted before anything that reads the request context');
  }
  return context;
}

/**
 * The context of a request if {@link requestContext} ran for it. Used by the error handler, which must
 * also work for requests that failed before the context existed.
 *
 * @example
 * ```ts
 * const requestId = findRequestContext(req)?.requestId;
 * ```
 */
export function findRequestContext(req: Request): RequestContext | undefined {
  return (req as RequestWithContext)[CONTEXT];
}
