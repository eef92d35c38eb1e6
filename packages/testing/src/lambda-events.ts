import { randomUUID } from 'node:crypto';
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import albMultiValueHeadersRequest from '../events/alb-multivalue-headers.json';
import albRequest from '../events/alb-request.json';
import functionUrlRequest from '../events/function-url.json';
import httpApiV2Request from '../events/apigw-http-v2-proxy.json';
import restV1Request from '../events/apigw-rest-v1-aws-proxy.json';

/** What a test wants to send, independent of the event source. */
export interface HttpRequestSpec {
  readonly method: string;
  /** Path with an optional query string, e.g. `/users?limit=2`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  readonly base64?: boolean;
  /** API Gateway's request id; unique per call unless given (sam local repeats one). */
  readonly gatewayRequestId?: string;
  readonly sourceIp?: string;
}

/** One HTTP response, whatever event source produced it. */
export interface NormalizedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type EventSourceName = 'API Gateway REST (v1)' | 'API Gateway HTTP API (v2)' | 'ALB' | 'Function URL';

/** Builds an event of one source from the captured fixture, and reads that source's result. */
export interface EventSource {
  readonly name: EventSourceName;
  event(spec: HttpRequestSpec): object;
  /** Throws when `result` is not a valid result for this event source; returns it normalised. */
  parseResult(result: unknown): NormalizedResponse;
}

function splitPath(path: string): { pathname: string; query: URLSearchParams; rawQuery: string } {
  const index = path.indexOf('?');
  const pathname = index === -1 ? path : path.slice(0, index);
  const rawQuery = index === -1 ? '' : path.slice(index + 1);
  return { pathname, query: new URLSearchParams(rawQuery), rawQuery };
}

function encodeBody(spec: HttpRequestSpec): { body: string | null; isBase64Encoded: boolean } {
  if (spec.body === undefined) return { body: null, isBase64Encoded: false };
  return spec.base64 === true
    ? { body: Buffer.from(spec.body, 'utf8').toString('base64'), isBase64Encoded: true }
    : { body: spec.body, isBase64Encoded: false };
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function singleValueQuery(query: URLSearchParams): Record<string, string> | null {
  const entries = [...query.keys()].map((key) => [key, query.getAll(key).at(-1) ?? ''] as const);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

function multiValueQuery(query: URLSearchParams): Record<string, string[]> | null {
  const keys = [...new Set(query.keys())];
  return keys.length === 0 ? null : Object.fromEntries(keys.map((key) => [key, query.getAll(key)]));
}

export const restApiV1: EventSource = {
  name: 'API Gateway REST (v1)',
  event(spec) {
    const { pathname, query } = splitPath(spec.path);
    const event = structuredClone(restV1Request) as unknown as APIGatewayProxyEvent;
    const headers = { Host: '1234567890.execute-api.us-east-1.amazonaws.com', 'User-Agent': 'jest', ...spec.headers };
    const proxy = pathname.replace(/^\//, '');
    return {
      ...event,
      httpMethod: spec.method,
      path: pathname,
      resource: proxy === '' ? '/' : '/{proxy+}',
      pathParameters: proxy === '' ? null : { proxy },
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: singleValueQuery(query),
      multiValueQueryStringParameters: multiValueQuery(query),
      stageVariables: null,
      ...encodeBody(spec),
      requestContext: {
        ...event.requestContext,
        httpMethod: spec.method,
        path: `/prod${pathname}`,
        resourcePath: proxy === '' ? '/' : '/{proxy+}',
        requestId: spec.gatewayRequestId ?? randomUUID(),
        identity: { ...event.requestContext.identity, sourceIp: spec.sourceIp ?? '203.0.113.10' },
      },
    } satisfies APIGatewayProxyEvent;
  },
  parseResult(result) {
    const typed = result as APIGatewayProxyResult;
    assertBaseResult(typed);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(typed.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(typed.multiValueHeaders ?? {}))
      headers[name.toLowerCase()] = values.map(String).join(', ');
    return { statusCode: typed.statusCode, headers, body: decode(typed.body, typed.isBase64Encoded ?? false) };
  },
};

function v2Event(
  fixture: object,
  spec: HttpRequestSpec,
  extra: Partial<APIGatewayProxyEventV2>,
): APIGatewayProxyEventV2 {
  const { pathname, query, rawQuery } = splitPath(spec.path);
  const event = structuredClone(fixture) as APIGatewayProxyEventV2;
  // The samples carry cookies and authorizer claims; a plain request has neither.
  const { cookies: _cookies, ...withoutCookies } = event;
  const { authorizer: _authorizer, ...requestContext } =
    event.requestContext as APIGatewayProxyEventV2['requestContext'] & { authorizer?: unknown };
  // HTTP APIs lowercase header names and join repeated query values with commas.
  const queryStringParameters = Object.fromEntries(
    [...new Set(query.keys())].map((key) => [key, query.getAll(key).join(',')]),
  );
  return {
    ...withoutCookies,
    rawPath: pathname,
    rawQueryString: rawQuery,
    headers: {
      host: 'id.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'jest',
      ...lowerCaseKeys(spec.headers ?? {}),
    },
    queryStringParameters: Object.keys(queryStringParameters).length === 0 ? undefined : queryStringParameters,
    pathParameters: undefined,
    stageVariables: undefined,
    ...encodeBody(spec),
    body: encodeBody(spec).body ?? undefined,
    requestContext: {
      ...requestContext,
      http: {
        ...event.requestContext.http,
        method: spec.method,
        path: pathname,
        sourceIp: spec.sourceIp ?? '203.0.113.10',
      },
      requestId: spec.gatewayRequestId ?? randomUUID(),
      timeEpoch: Date.now(),
    },
    ...extra,
  };
}

function parseV2Result(result: unknown): NormalizedResponse {
  const typed = result as APIGatewayProxyStructuredResultV2;
  if (typeof result !== 'object' || result === null || typeof typed.statusCode !== 'number') {
    throw new Error(`not a structured v2 result: ${JSON.stringify(result)}`);
  }
  assertBaseResult(typed);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(typed.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (typed.cookies !== undefined && typed.cookies.length > 0) headers['set-cookie'] = typed.cookies.join(', ');
  return { statusCode: typed.statusCode, headers, body: decode(typed.body ?? '', typed.isBase64Encoded ?? false) };
}

export const httpApiV2: EventSource = {
  name: 'API Gateway HTTP API (v2)',
  event: (spec) => v2Event(httpApiV2Request, spec, { routeKey: '$default' }),
  parseResult: parseV2Result,
};

export const functionUrl: EventSource = {
  name: 'Function URL',
  event: (spec) => v2Event(functionUrlRequest, spec, {}),
  parseResult: parseV2Result,
};

export const applicationLoadBalancer: EventSource = {
  name: 'ALB',
  event(spec) {
    const { pathname, query } = splitPath(spec.path);
    const event = structuredClone(albRequest) as ALBEvent;
    return {
      ...event,
      httpMethod: spec.method,
      path: pathname,
      queryStringParameters: singleValueQuery(query) ?? {},
      headers: {
        ...event.headers,
        'x-forwarded-for': spec.sourceIp ?? '203.0.113.10',
        ...lowerCaseKeys(spec.headers ?? {}),
      },
      body: encodeBody(spec).body ?? '',
      isBase64Encoded: encodeBody(spec).isBase64Encoded,
    } satisfies ALBEvent;
  },
  parseResult(result) {
    const typed = result as ALBResult;
    assertBaseResult(typed);
    // statusDescription is optional for ALB, but when present it must agree with the status ("200 OK").
    if (typed.statusDescription !== undefined && !typed.statusDescription.startsWith(String(typed.statusCode))) {
      throw new Error(`ALB statusDescription disagrees with statusCode: ${JSON.stringify(typed)}`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(typed.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(typed.multiValueHeaders ?? {}))
      headers[name.toLowerCase()] = values.map(String).join(', ');
    return { statusCode: typed.statusCode, headers, body: decode(typed.body ?? '', typed.isBase64Encoded ?? false) };
  },
};

/** Every HTTP event source the function can sit behind, for `describe.each`. */
export const eventSources: readonly EventSource[] = [restApiV1, httpApiV2, applicationLoadBalancer, functionUrl];

function assertBaseResult(result: {
  statusCode?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
  headers?: unknown;
}): void {
  if (typeof result.statusCode !== 'number' || result.statusCode < 100 || result.statusCode > 599) {
    throw new Error(`result has no valid statusCode: ${JSON.stringify(result)}`);
  }
  if (result.body !== undefined && typeof result.body !== 'string') throw new Error('result body must be a string');
  if (result.isBase64Encoded !== undefined && typeof result.isBase64Encoded !== 'boolean')
    throw new Error('isBase64Encoded must be a boolean');
  for (const value of Object.values((result.headers ?? {}) as Record<string, unknown>)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new Error(`header values must be scalars: ${JSON.stringify(result.headers)}`);
  }
}

function decode(body: string, isBase64Encoded: boolean): string {
  return isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

export interface AlbRequest {
  readonly method?: string;
  readonly path: string;
  /** The values of X-Forwarded-For as the ALB passes them: one per header line, the ALB's own entry last. */
  readonly forwardedFor?: readonly string[];
}

/**
 * An Application Load Balancer event from a target group with multi-value headers enabled, built from the
 * captured fixture (alb-multivalue-headers.json): `multiValueHeaders` only, no `headers`.
 */
export function albMultiValueEvent(request: AlbRequest): ALBEvent {
  const event = structuredClone(albMultiValueHeadersRequest) as ALBEvent;
  const forwardedFor = request.forwardedFor ?? event.multiValueHeaders?.['x-forwarded-for'] ?? [];
  return {
    ...event,
    httpMethod: request.method ?? 'GET',
    path: request.path,
    multiValueQueryStringParameters: {},
    multiValueHeaders: { ...event.multiValueHeaders, 'x-forwarded-for': [...forwardedFor] },
  };
}
