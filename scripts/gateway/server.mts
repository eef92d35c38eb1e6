// The HTTP side of the gateway: each request is routed as API Gateway routes it, authorised by the JWT
// authorizer when its route has one, turned into the proxy event, run in a warm environment, and its result
// mapped back. API Gateway's and Lambda's limits apply, each with one log line.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FunctionSpec, PayloadFormatVersion } from './function-spec.mts';
import {
  headerMap,
  httpApiEventV2,
  newGatewayRequestId,
  restApiEventV1,
  type GatewayIdentity,
  type GatewayRequest,
  type JwtAuthorization,
} from './events.mts';
import { InvocationError, type EnvironmentPool } from './environments.mts';
import type { JwtAuthorizer } from './jwt-authorizer.mts';
import { MalformedResultError, toHttpResponse, type HttpResponse } from './results.mts';
import { matchRoute } from './routes.mts';
import { INVOCATION_PAYLOAD_LIMIT_BYTES } from '../lambda/limits.mts';

export interface GatewayOptions {
  readonly spec: FunctionSpec;
  readonly pool: EnvironmentPool;
  /** Authorizers by name; a protected route whose authorizer is missing here is refused at start-up. */
  readonly authorizers: ReadonlyMap<string, JwtAuthorizer>;
  /** Sends every route this payload format instead of the template's (to compare 1.0 and 2.0). */
  readonly payloadOverride: PayloadFormatVersion | undefined;
  readonly identity: GatewayIdentity;
  readonly log: (line: string) => void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

class PayloadTooLargeError extends Error {}

function gatewayError(statusCode: number, message: string, extraHeaders: Record<string, string> = {}): HttpResponse {
  const headers = new Map<string, string[]>([['content-type', ['application/json']]]);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, [value]);
  return { statusCode, headers, body: Buffer.from(JSON.stringify({ message }), 'utf8') };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > INVOCATION_PAYLOAD_LIMIT_BYTES) throw new PayloadTooLargeError(`request body of ${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > INVOCATION_PAYLOAD_LIMIT_BYTES) throw new PayloadTooLargeError(`request body over ${size} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sourceIpOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

export function createGatewayServer(options: GatewayOptions): Server {
  const { spec, pool, authorizers, identity, log } = options;
  for (const route of spec.routes) {
    if (route.authorizer !== undefined && !authorizers.has(route.authorizer)) {
      throw new Error(
        `route ${route.routeKey} needs the JWT authorizer ${route.authorizer}: give --jwks-url, --jwks-file or --claims`,
      );
    }
  }

  async function handle(
    request: IncomingMessage,
    requestId: string,
  ): Promise<{ response: HttpResponse; note: string }> {
    const timeEpoch = Date.now();
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      log(`413 ${method} ${url}: ${error.message} exceeds Lambda's 6 MB invocation payload limit`);
      return { response: gatewayError(413, 'Request Entity Too Large'), note: 'request too large' };
    }
    const rawPath = url.split('?')[0] ?? url;
    const match = matchRoute(spec.routes, method, rawPath);
    if (match === undefined) return { response: gatewayError(404, 'Not Found'), note: 'no route' };

    const gatewayRequest: GatewayRequest = {
      method,
      url,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: sourceIpOf(request),
      protocol: `HTTP/${request.httpVersion}`,
    };
    let authorization: JwtAuthorization | undefined;
    if (match.route.authorizer !== undefined) {
      const authorizer = authorizers.get(match.route.authorizer);
      if (authorizer === undefined) throw new Error(`no authorizer ${match.route.authorizer}`);
      const outcome = await authorizer.authorize(headerMap(request.rawHeaders));
      if (!outcome.authorized) {
        log(
          `401 ${method} ${url}: the JWT authorizer ${match.route.authorizer} refused the request: ${outcome.reason}`,
        );
        return {
          response: gatewayError(401, 'Unauthorized', { 'www-authenticate': outcome.wwwAuthenticate }),
          note: 'unauthorized',
        };
      }
      authorization = outcome.authorization;
    }

    const payload = options.payloadOverride ?? match.route.payloadFormatVersion;
    const context = { request: gatewayRequest, match, identity, requestId, timeEpoch, authorization };
    const event = JSON.stringify(payload === '2.0' ? httpApiEventV2(context) : restApiEventV1(context));
    const eventBytes = Buffer.byteLength(event);
    if (eventBytes > INVOCATION_PAYLOAD_LIMIT_BYTES) {
      log(`413 ${method} ${url}: the event is ${eventBytes} bytes, over Lambda's 6 MB invocation payload limit`);
      return { response: gatewayError(413, 'Request Entity Too Large'), note: 'event too large' };
    }

    try {
      const invocation = await pool.invoke(event);
      const resultBytes =
        invocation.payload.length * 3 > INVOCATION_PAYLOAD_LIMIT_BYTES
          ? Buffer.byteLength(invocation.payload)
          : invocation.payload.length;
      if (resultBytes > INVOCATION_PAYLOAD_LIMIT_BYTES) {
        log(
          `502 ${method} ${url}: the function's response is ${resultBytes} bytes, over Lambda's 6 MB limit (Function.ResponseSizeTooLarge) [${invocation.awsRequestId}]`,
        );
        return { response: gatewayError(502, 'Internal Server Error'), note: 'response too large' };
      }
      return {
        response: toHttpResponse(JSON.parse(invocation.payload) as unknown, payload),
        note: match.route.routeKey,
      };
    } catch (error) {
      if (error instanceof MalformedResultError) {
        log(`502 ${method} ${url}: ${error.message}`);
        return { response: gatewayError(502, 'Internal Server Error'), note: 'malformed result' };
      }
      if (!(error instanceof InvocationError)) throw error;
      if (error.kind === 'timeout') {
        log(
          `504 ${method} ${url}: ${spec.logicalId} ran past its Timeout of ${pool.timeoutSeconds} s (${error.message}); the environment is discarded`,
        );
        return { response: gatewayError(504, 'Endpoint request timed out'), note: 'timeout' };
      }
      if (error.kind === 'throttled') {
        log(`429 ${method} ${url}: Lambda throttled the invocation: ${error.message}`);
        return { response: gatewayError(429, 'Too Many Requests'), note: 'throttled' };
      }
      const what = {
        crash: "the function's environment crashed",
        init: 'the function failed to initialise',
        'function-error': 'the function threw',
      }[error.kind];
      log(
        `502 ${method} ${url}: ${what}: ${error.message}${error.kind === 'function-error' ? '' : '; a fresh environment serves the next request'}`,
      );
      return { response: gatewayError(502, 'Internal Server Error'), note: error.kind };
    }
  }

  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const requestId = newGatewayRequestId();
    handle(request, requestId)
      .catch((error: unknown) => {
        log(
          `500 ${request.method ?? ''} ${request.url ?? ''}: gateway error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        return { response: gatewayError(500, 'Internal Server Error'), note: 'gateway error' };
      })
      .then(({ response: result, note }) => {
        for (const [name, values] of result.headers) {
          // Hop-by-hop headers are the gateway's own business, as in API Gateway.
          if (HOP_BY_HOP.has(name)) continue;
          response.setHeader(name, name === 'set-cookie' ? values : values.join(', '));
        }
        response.setHeader('apigw-requestid', requestId);
        if (!response.hasHeader('content-length') || request.method !== 'HEAD')
          response.setHeader('content-length', result.body.length);
        response.writeHead(result.statusCode);
        log(
          `${request.method ?? ''} ${request.url ?? ''} ${result.statusCode} ${(performance.now() - started).toFixed(1)} ms (${note})`,
        );
        response.end(result.body);
      });
  });
}
