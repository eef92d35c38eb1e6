// The event API Gateway sends to a Lambda proxy integration, built from one HTTP request: payload format 2.0
// (HTTP API) and 1.0 (REST API, or HTTP API with PayloadFormatVersion 1.0). Real API Gateway, not SAM local: a
// fresh requestId and a millisecond timeEpoch per request, lower-case v2 header names, repeated headers and
// query values joined with commas, the raw path as sent, binary and compressed bodies base64-encoded.
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RouteMatch } from './routes.mts';

/** The parts of an HTTP request the event is made of. */
export interface GatewayRequest {
  readonly method: string;
  /** The request target as sent: raw path and query, nothing decoded. */
  readonly url: string;
  /** Node's `rawHeaders`: names as sent, repeated headers as repeated pairs. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
}

export interface GatewayIdentity {
  readonly apiId: string;
  readonly accountId: string;
  readonly stage: string;
}

/** What the JWT authorizer adds to the request context. */
export interface JwtAuthorization {
  readonly claims: Readonly<Record<string, string | number | boolean | string[]>>;
  readonly scopes: readonly string[] | undefined;
}

// Content types API Gateway passes as text; everything else (and any compressed body) goes base64-encoded.
const TEXT_CONTENT_TYPE =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql)\b|[^;]+\+(json|xml)\b)/i;

export function isTextBody(headers: ReadonlyMap<string, readonly string[]>): boolean {
  if (
    (headers.get('content-encoding') ?? []).some(
      (value) => value.trim() !== '' && value.trim().toLowerCase() !== 'identity',
    )
  )
    return false;
  const contentType = headers.get('content-type')?.[0];
  return contentType === undefined || TEXT_CONTENT_TYPE.test(contentType.trim());
}

/** Header values by lower-case name, in the order received. */
export function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(rawHeaders[index + 1] ?? '');
    headers.set(name, values);
  }
  return headers;
}

function splitUrl(url: string): { rawPath: string; rawQueryString: string } {
  const index = url.indexOf('?');
  return index === -1
    ? { rawPath: url, rawQueryString: '' }
    : { rawPath: url.slice(0, index), rawQueryString: url.slice(index + 1) };
}

function queryValues(rawQueryString: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  if (rawQueryString === '') return values;
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const list = values.get(key) ?? [];
    list.push(value);
    values.set(key, list);
  }
  return values;
}

function encodeBody(
  request: GatewayRequest,
  headers: ReadonlyMap<string, readonly string[]>,
): { body: string | undefined; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { body: undefined, isBase64Encoded: false };
  return isTextBody(headers)
    ? { body: request.body.toString('utf8'), isBase64Encoded: false }
    : { body: request.body.toString('base64'), isBase64Encoded: true };
}

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`: base64 of random bytes. */
export function newGatewayRequestId(): string {
  return `${randomBytes(10).toString('base64').slice(0, 15)}=`;
}

/** `03/Dec/2026:09:22:26 +0000`, the requestTime format of both payloads. */
function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}/${months[date.getUTCMonth()] ?? ''}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export interface EventContext {
  readonly request: GatewayRequest;
  readonly match: RouteMatch;
  readonly identity: GatewayIdentity;
  readonly requestId: string;
  readonly timeEpoch: number;
  readonly authorization: JwtAuthorization | undefined;
}

export function httpApiEventV2({
  request,
  match,
  identity,
  requestId,
  timeEpoch,
  authorization,
}: EventContext): APIGatewayProxyEventV2 {
  const received = headerMap(request.rawHeaders);
  const { rawPath, rawQueryString } = splitUrl(request.url);
  const cookies = (received.get('cookie') ?? [])
    .flatMap((value) => value.split(';'))
    .map((cookie) => cookie.trim())
    .filter((cookie) => cookie !== '');
  const headers: Record<string, string> = {};
  for (const [name, values] of received) if (name !== 'cookie') headers[name] = values.join(',');
  const query = queryValues(rawQueryString);
  const domainName = headers['host'] ?? `${identity.apiId}.execute-api.us-east-1.amazonaws.com`;
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query.size > 0
      ? { queryStringParameters: Object.fromEntries([...query].map(([key, values]) => [key, values.join(',')])) }
      : {}),
    ...(match.pathParameters === undefined ? {} : { pathParameters: { ...match.pathParameters } }),
    requestContext: {
      accountId: identity.accountId,
      apiId: identity.apiId,
      ...(authorization === undefined
        ? {}
        : {
            authorizer: {
              jwt: {
                claims: { ...authorization.claims },
                scopes: authorization.scopes === undefined ? undefined : [...authorization.scopes],
              },
            },
          }),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.route.routeKey,
      stage: identity.stage,
      time: requestTime(timeEpoch),
      timeEpoch,
    },
    ...encodeBody(request, received),
  } as APIGatewayProxyEventV2;
}

export function restApiEventV1({
  request,
  match,
  identity,
  requestId,
  timeEpoch,
  authorization,
}: EventContext): APIGatewayProxyEvent {
  const received = headerMap(request.rawHeaders);
  const { rawPath, rawQueryString } = splitUrl(request.url);
  // Names as sent; `headers` keeps the last value of a repeated header, multiValueHeaders all of them.
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] ?? '';
    const value = request.rawHeaders[index + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = queryValues(rawQueryString);
  const domainName = received.get('host')?.[0] ?? `${identity.apiId}.execute-api.us-east-1.amazonaws.com`;
  const resource = match.route.path === '$default' ? '$default' : match.route.path;
  const { body, isBase64Encoded } = encodeBody(request, received);
  return {
    resource,
    path: rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters:
      query.size === 0 ? null : Object.fromEntries([...query].map(([key, values]) => [key, values.at(-1) ?? ''])),
    multiValueQueryStringParameters: query.size === 0 ? null : Object.fromEntries(query),
    pathParameters: match.pathParameters === undefined ? null : { ...match.pathParameters },
    stageVariables: null,
    requestContext: {
      accountId: identity.accountId,
      apiId: identity.apiId,
      authorizer:
        authorization === undefined
          ? null
          : { claims: { ...authorization.claims }, scopes: authorization.scopes ?? null },
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      extendedRequestId: requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: received.get('user-agent')?.[0] ?? null,
        userArn: null,
      },
      path: rawPath,
      protocol: request.protocol,
      requestId,
      requestTime: requestTime(timeEpoch),
      requestTimeEpoch: timeEpoch,
      resourceId: match.route.routeKey,
      resourcePath: resource,
      stage: identity.stage,
    },
    body: body ?? null,
    isBase64Encoded,
  } as APIGatewayProxyEvent;
}
