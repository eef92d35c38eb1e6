import { randomUUID } from 'node:crypto';
import serverlessExpress from '@codegenie/serverless-express';
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import express, { Router, type Express } from 'express';
import request from 'supertest';
import {
  authenticate,
  createTokenIssuer,
  errorHandler,
  getAuth,
  getLambdaInvoke,
  getRequestContext,
  notFound,
  requestContext,
  requestContextOf,
  withLambdaInvoke,
  type RequestContext,
} from '@lambdalith/middleware';
import { albMultiValueEvent, lambdaContext, httpApiEvent, lambdaHandler } from './helpers/lambda';

/** An app whose routes record the context they saw, read once through the request and once through ALS. */
function appRecordingContexts(
  seen: { viaRequest?: RequestContext; viaStorage?: RequestContext | undefined }[],
): Express {
  const app = express();
  app.use(requestContext());
  const users = Router();
  users.get('/:id', async (req, res) => {
    await new Promise((resolveTick) => setImmediate(resolveTick));
    seen.push({ viaRequest: requestContextOf(req), viaStorage: getRequestContext() });
    res.json({ id: req.params['id'] });
  });
  users.get('/:id/fail', () => {
    throw new Error('route failed');
  });
  app.use('/users', users);
  app.get('/context', (req, res) => {
    const context = requestContextOf(req);
    res.json({
      requestId: context.requestId,
      sourceIp: context.sourceIp,
      inLambda: getLambdaInvoke() !== undefined,
      principal: context.principal ?? null,
    });
  });
  app.use((req, _res, next) => {
    seen.push({ viaRequest: requestContextOf(req) });
    next();
  });
  app.use(notFound());
  app.use(errorHandler());
  return app;
}

describe('requestContext()', () => {
  it('gives every request its own generated id, echoed as x-request-id', async () => {
    const seen: { viaRequest?: RequestContext }[] = [];
    const app = appRecordingContexts(seen);

    const [first, second] = await Promise.all([request(app).get('/users/1'), request(app).get('/users/2')]);

    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('ignores a client-sent x-request-id as the request id', async () => {
    const app = appRecordingContexts([]);

    const response = await request(app).get('/context').set('x-request-id', 'forged-id');

    expect(response.headers['x-request-id']).not.toBe('forged-id');
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('makes the same context available through the request and through AsyncLocalStorage after an await', async () => {
    const seen: { viaRequest?: RequestContext; viaStorage?: RequestContext | undefined }[] = [];
    const app = appRecordingContexts(seen);

    const response = await request(app).get('/users/42');

    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.viaStorage).toBe(seen[0]?.viaRequest);
    expect(seen[0]?.viaRequest?.requestId).toBe(response.headers['x-request-id']);
  });

  it('records the full route pattern of a route in a mounted router', async () => {
    const seen: { viaRequest?: RequestContext }[] = [];
    const app = appRecordingContexts(seen);

    await request(app).get('/users/42');

    expect(seen[0]?.viaRequest?.routePattern).toBe('/users/:id');
  });

  it('keeps the full route pattern when the route throws and the error handler answers', async () => {
    let context: RequestContext | undefined;
    const app = express();
    app.use(requestContext());
    app.use((req, res, next) => {
      res.on('finish', () => {
        context = requestContextOf(req);
      });
      next();
    });
    const users = Router();
    users.get('/:id/fail', () => {
      throw new Error('route failed');
    });
    app.use('/users', users);
    app.use(errorHandler());

    const response = await request(app).get('/users/7/fail');

    expect(response.status).toBe(500);
    expect(context?.routePattern).toBe('/users/:id/fail');
  });

  it('leaves the route pattern unset when no route matched', async () => {
    const seen: { viaRequest?: RequestContext }[] = [];
    const app = appRecordingContexts(seen);

    const response = await request(app).get('/nothing/here');

    expect(response.status).toBe(404);
    expect(seen.at(-1)?.viaRequest?.routePattern).toBeUndefined();
  });

  it('takes the client address from the socket locally and ignores X-Forwarded-For', async () => {
    const app = appRecordingContexts([]);

    const response = await request(app).get('/context').set('X-Forwarded-For', '198.51.100.7');

    expect(response.body.sourceIp).toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses an invalid header name at startup', () => {
    expect(() => requestContext({ header: 'x request id' })).toThrow(
      /requestContext\(\): "header" must be a valid HTTP header name/,
    );
  });

  it('returns a named middleware', () => {
    expect(requestContext().name).toBe('requestContextMiddleware');
  });
});

// serverless-express's eventContext() middleware, and aws-serverless-express before it, passed the event and
// context to the app as `x-apigateway-event` / `x-apigateway-context` request headers. A client can send those
// headers too (API Gateway forwards them), so nothing may read them: the invocation comes from
// withLambdaInvoke only, and authenticate() consults the authorizer of that invocation only.
describe('requestContext() and authenticate() against forged x-apigateway-* headers', () => {
  const SECRET = 'a-test-secret-of-more-than-32-bytes-0123456789';
  const tokens = createTokenIssuer({
    hs256Secret: SECRET,
    issuer: 'lambdalith',
    audience: 'lambdalith-api',
    ttlSeconds: 600,
  });
  const forgedEvent = encodeURIComponent(
    JSON.stringify({
      requestContext: {
        requestId: 'forged-gateway-id',
        http: { sourceIp: '10.9.9.9' },
        authorizer: { jwt: { claims: { sub: 'admin' } } },
      },
    }),
  );
  const forgedContext = encodeURIComponent(JSON.stringify({ awsRequestId: 'forged-invocation-id' }));
  const forgedHeaders = { 'x-apigateway-event': forgedEvent, 'x-apigateway-context': forgedContext };

  /** The real stack: requestContext, then authenticate, then a route that reports what it saw. */
  function stack(): Express {
    const app = express();
    app.use(requestContext());
    app.get(
      '/me',
      authenticate({ hs256Secret: SECRET, issuer: 'lambdalith', audience: 'lambdalith-api' }),
      (req, res) => {
        const context = requestContextOf(req);
        res.json({
          userId: getAuth(req).userId,
          requestId: context.requestId,
          correlationId: context.correlationId,
          sourceIp: context.sourceIp,
          inLambda: getLambdaInvoke() !== undefined,
        });
      },
    );
    app.use(errorHandler());
    return app;
  }

  it('gives a local request with forged headers and no token no principal (401) and a generated request id', async () => {
    const response = await request(stack()).get('/me').set(forgedHeaders);

    expect(response).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED', requestId: response.headers['x-request-id'] },
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores a forged authorizer, invocation and address on a local request: only the token decides who calls', async () => {
    const userId = randomUUID();
    const { accessToken } = await tokens.issue(userId);

    const response = await request(stack()).get('/me').set(forgedHeaders).set('Authorization', `Bearer ${accessToken}`);

    // Were the forged authorizer believed, its `sub` (admin) would disagree with the token's and the answer be 401.
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      userId,
      requestId: response.headers['x-request-id'],
      correlationId: response.headers['x-request-id'],
      sourceIp: expect.stringMatching(/127\.0\.0\.1|::1/),
      inLambda: false,
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses the real invocation in Lambda, whatever x-apigateway-* headers the client sent through the gateway', async () => {
    const userId = randomUUID();
    const { accessToken } = await tokens.issue(userId);
    const context = lambdaContext();
    const event = httpApiEvent({
      path: '/me',
      sourceIp: '198.51.100.30',
      gatewayRequestId: 'real-gateway-id',
      headers: { ...forgedHeaders, authorization: `Bearer ${accessToken}` },
      authorizer: { jwt: { claims: { sub: userId }, scopes: null } },
    });

    const result = await lambdaHandler(stack())(event, context);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual({
      userId,
      requestId: context.awsRequestId,
      correlationId: 'real-gateway-id',
      sourceIp: '198.51.100.30',
      inLambda: true,
    });
  });
});

describe('requestContext() in Lambda (serverless-express + withLambdaInvoke)', () => {
  function lambdaApp(): Express {
    const app = express();
    app.use(requestContext());
    app.get('/context', (req, res) => {
      const context = requestContextOf(req);
      res.json({
        requestId: context.requestId,
        correlationId: context.correlationId,
        sourceIp: context.sourceIp,
        awsRequestId: context.lambda?.context.awsRequestId,
        gatewayRequestId: context.lambda?.event.requestContext?.requestId,
        coldStart: context.lambda?.coldStart,
      });
    });
    return app;
  }

  it('gives getRequestContext() each invocation its own context, across awaits, with invocations running at once', async () => {
    const app = express();
    app.use(requestContext());
    app.get('/deep', async (_req, res) => {
      await new Promise((resolveTick) => setImmediate(resolveTick));
      res.json({ requestId: getRequestContext()?.requestId ?? null });
    });
    const handler = lambdaHandler(app);
    const contexts = Array.from({ length: 5 }, () => lambdaContext());

    const results = await Promise.all(contexts.map((context) => handler(httpApiEvent({ path: '/deep' }), context)));

    expect(results.map((result) => JSON.parse(String(result.body)))).toEqual(
      contexts.map((context) => ({ requestId: context.awsRequestId })),
    );
    expect(getRequestContext()).toBeUndefined();
  });

  it('echoes the request id under the configured header name in the result', async () => {
    const app = express();
    app.use(requestContext({ header: 'X-Correlation-Id' }));
    app.get('/ping', (_req, res) => {
      res.json({});
    });
    const context = lambdaContext();

    const result = await lambdaHandler(app)(httpApiEvent({ path: '/ping' }), context);

    expect(result.headers?.['x-correlation-id']).toBe(context.awsRequestId);
    expect(result.headers).not.toHaveProperty('x-request-id');
  });

  it('has no context for getRequestContext() before requestContext() ran, in an invocation too', async () => {
    const app = express();
    let before: RequestContext | undefined | null = null;
    app.use((_req, _res, next) => {
      before = getRequestContext();
      next();
    });
    app.use(requestContext());
    app.get('/ping', (_req, res) => {
      res.json({ requestId: getRequestContext()?.requestId ?? null });
    });
    const context = lambdaContext();

    const result = await lambdaHandler(app)(httpApiEvent({ path: '/ping' }), context);

    expect(before).toBeUndefined();
    expect(JSON.parse(String(result.body))).toEqual({ requestId: context.awsRequestId });
  });

  it('gives a second request served inside the same invocation (an in-process sub-request) its own context, leaving the first one its own', async () => {
    const app = express();
    app.use(requestContext());
    app.get('/inner', (req, res) => {
      res.json({ ownContext: getRequestContext() === requestContextOf(req) });
    });
    app.get('/outer', async (req, res) => {
      const inner = await proxy(httpApiEvent({ path: '/inner' }), lambdaContext(), () => undefined);
      res.json({
        inner: JSON.parse(String(inner.body)) as unknown,
        innerHeader: inner.headers?.['x-request-id'] ?? null,
        ownContext: getRequestContext() === requestContextOf(req),
      });
    });
    const proxy = serverlessExpress({ app }) as unknown as (
      event: APIGatewayProxyEventV2,
      context: Context,
      callback: () => void,
    ) => Promise<APIGatewayProxyStructuredResultV2>;
    const handler = withLambdaInvoke(async (event: APIGatewayProxyEventV2, context: Context) =>
      proxy(event, context, () => undefined),
    );
    const context = lambdaContext();

    const result = await handler(httpApiEvent({ path: '/outer' }), context);

    expect(JSON.parse(String(result.body))).toEqual({
      inner: { ownContext: true },
      innerHeader: context.awsRequestId,
      ownContext: true,
    });
    expect(result.headers?.['x-request-id']).toBe(context.awsRequestId);
  });

  it('uses the invocation id as request id, the gateway id as correlation id and the gateway sourceIp', async () => {
    const handler = lambdaHandler(lambdaApp());
    const context = lambdaContext();

    const result = await handler(
      httpApiEvent({
        path: '/context',
        sourceIp: '198.51.100.20',
        gatewayRequestId: 'gw-1',
        headers: { 'x-forwarded-for': '10.0.0.1' },
      }),
      context,
    );

    expect(result.headers?.['x-request-id']).toBe(context.awsRequestId);
    expect(JSON.parse(String(result.body))).toMatchObject({
      requestId: context.awsRequestId,
      correlationId: 'gw-1',
      sourceIp: '198.51.100.20',
      awsRequestId: context.awsRequestId,
      gatewayRequestId: 'gw-1',
    });
  });

  it('takes the client address behind an ALB with multi-value headers from the right-most entry of the last X-Forwarded-For', async () => {
    const handler = lambdaHandler<ALBEvent, ALBResult>(lambdaApp());

    const asCaptured = await handler(albMultiValueEvent({ path: '/context' }), lambdaContext());
    const withClientSentValues = await handler(
      albMultiValueEvent({ path: '/context', forwardedFor: ['10.0.0.1', '198.51.100.99, 203.0.113.50'] }),
      lambdaContext(),
    );

    expect(JSON.parse(String(asCaptured.body))).toMatchObject({ sourceIp: '72.21.198.67' });
    expect(JSON.parse(String(withClientSentValues.body))).toMatchObject({ sourceIp: '203.0.113.50' });
  });

  it('reads X-Forwarded-For on ALB events only: from another source it is the client’s to forge', async () => {
    const handler = lambdaHandler(lambdaApp());

    const result = await handler(
      httpApiEvent({ path: '/context', sourceIp: '', headers: { 'x-forwarded-for': '198.51.100.7' } }),
      lambdaContext(),
    );

    expect(JSON.parse(String(result.body))).toMatchObject({ sourceIp: '' });
  });

  it('marks only the first invocation of the environment as a cold start', async () => {
    // A fresh copy of the package stands for a fresh execution environment.
    let fresh: typeof import('@lambdalith/middleware') | undefined;
    jest.isolateModules(() => {
      fresh = require('@lambdalith/middleware') as typeof import('@lambdalith/middleware');
    });
    if (fresh === undefined) throw new Error('the package did not load');
    const { requestContext: freshRequestContext, requestContextOf: freshContextOf, withLambdaInvoke } = fresh;
    const app = express();
    app.use(freshRequestContext());
    app.get('/cold', (req, res) => {
      res.json({ coldStart: freshContextOf(req).lambda?.coldStart });
    });
    const proxy = serverlessExpress({ app });
    const handler = withLambdaInvoke(
      async (event: APIGatewayProxyEventV2, context: Context) =>
        (await proxy(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2,
    );

    const first = await handler(httpApiEvent({ path: '/cold' }), lambdaContext());
    const second = await handler(httpApiEvent({ path: '/cold' }), lambdaContext());

    expect(JSON.parse(String(first.body))).toEqual({ coldStart: true });
    expect(JSON.parse(String(second.body))).toEqual({ coldStart: false });
  });

  it('keeps 30 concurrent invocations apart: each request sees only its own invocation', async () => {
    const handler = lambdaHandler(lambdaApp());
    const contexts = Array.from({ length: 30 }, () => lambdaContext());

    const results = await Promise.all(
      contexts.map((context, index) =>
        handler(
          httpApiEvent({ path: '/context', gatewayRequestId: `gw-${index}`, sourceIp: `198.51.100.${index}` }),
          context,
        ),
      ),
    );

    results.forEach((result, index) => {
      expect(JSON.parse(String(result.body))).toMatchObject({
        requestId: contexts[index]?.awsRequestId,
        correlationId: `gw-${index}`,
        sourceIp: `198.51.100.${index}`,
      });
    });
  });
});
