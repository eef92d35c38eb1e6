import type { ALBEvent, ALBResult } from 'aws-lambda';
import express, { type Express } from 'express';
import request from 'supertest';
import {
  corsPolicy,
  errorHandler,
  isOrigin,
  notFound,
  requestContext,
  securityHeaders,
  withLambdaInvoke,
  type CorsPolicyOptions,
} from '@lambdalith/middleware';
import { eventSources, httpApiV2, restApiV1, type NormalizedResponse } from '@lambdalith/testing';
import { queueResultHeaders } from '../src/context/lambda-invoke';
import { albMultiValueEvent, lambdaContext, lambdaHandler } from './helpers/lambda';

function appWith(...middleware: express.RequestHandler[]): Express {
  const app = express();
  app.use(...middleware);
  app.get('/things', (_req, res) => {
    res.json([]);
  });
  app.use(notFound());
  app.use(errorHandler());
  return app;
}

describe('securityHeaders()', () => {
  it('sends the headers a JSON API needs and no X-Powered-By', async () => {
    const response = await request(appWith(securityHeaders())).get('/things');

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(response.headers).not.toHaveProperty('x-powered-by');
  });

  it('leaves out the headers that only concern HTML documents', async () => {
    const response = await request(appWith(securityHeaders())).get('/things');

    for (const name of [
      'cross-origin-opener-policy',
      'origin-agent-cluster',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ]) {
      expect(response.headers).not.toHaveProperty(name);
    }
  });

  it('sends them on error problems too', async () => {
    const response = await request(appWith(securityHeaders())).get('/missing');

    expect(response).toMatchObject({
      status: 404,
      headers: { 'x-content-type-options': 'nosniff', 'content-security-policy': expect.any(String) },
    });
  });

  it('returns a named middleware', () => {
    expect(securityHeaders().name).toBe('securityHeadersMiddleware');
  });
});

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

// In Lambda the headers go onto the invocation's result instead of through Node's response (cheaper); what
// reaches the client must be exactly what `npm start` sends.
describe('securityHeaders() in Lambda (withLambdaInvoke + serverless-express)', () => {
  function lambdaApp(): Express {
    const app = express();
    app.use(requestContext());
    app.use(securityHeaders());
    app.get('/things', (_req, res) => {
      res.json([]);
    });
    app.get('/page', (_req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'self'");
      res.type('html').send('<p>docs</p>');
    });
    app.use(notFound());
    app.use(errorHandler());
    return app;
  }

  it.each(eventSources.map((source) => [source.name, source] as const))(
    'puts the headers and the request id on the result for %s, as on the wire locally',
    async (_name, source) => {
      const handler = lambdaHandler<never, unknown>(lambdaApp());
      const context = lambdaContext();
      const local = await request(lambdaApp()).get('/things');

      const response = source.parseResult(
        await handler(source.event({ method: 'GET', path: '/things' }) as never, context),
      );

      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({ ...SECURITY_HEADERS, 'x-request-id': context.awsRequestId });
      expect(response.headers).not.toHaveProperty('x-powered-by');
      const names = (headers: Record<string, unknown>): string[] =>
        Object.keys(headers)
          .filter((name) => name !== 'date' && name !== 'connection' && name !== 'keep-alive')
          .sort();
      expect(names(response.headers)).toEqual(names(local.headers));
    },
  );

  it('adds them as one-element lists on an ALB result with multi-value headers', async () => {
    const handler = lambdaHandler<ALBEvent, ALBResult>(lambdaApp());

    const result = await handler(albMultiValueEvent({ path: '/things' }), lambdaContext());

    expect(result.headers).toBeUndefined();
    expect(result.multiValueHeaders).toMatchObject({
      'x-frame-options': ['DENY'],
      'content-security-policy': [SECURITY_HEADERS['content-security-policy']],
    });
  });

  /** One GET through the handler, as an HTTP API (payload 2.0) event. */
  async function getThroughLambda(path: string): Promise<NormalizedResponse> {
    const handler = lambdaHandler<never, unknown>(lambdaApp());
    return httpApiV2.parseResult(await handler(httpApiV2.event({ method: 'GET', path }) as never, lambdaContext()));
  }

  it("lets a route's own Content-Security-Policy win, as a later setHeader does locally", async () => {
    const response = await getThroughLambda('/page');
    const local = await request(lambdaApp()).get('/page');

    expect(response.headers['content-security-policy']).toBe("default-src 'self'");
    expect(local.headers['content-security-policy']).toBe("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('puts them on problem responses too', async () => {
    const response = await getThroughLambda('/missing');

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
  });

  it("keeps a route's own Content-Security-Policy the only one on a REST API result (multi-value headers)", async () => {
    const handler = lambdaHandler<never, unknown>(lambdaApp());

    const result = (await handler(restApiV1.event({ method: 'GET', path: '/page' }) as never, lambdaContext())) as {
      multiValueHeaders: Record<string, unknown>;
    };

    expect(result.multiValueHeaders['content-security-policy']).toEqual(["default-src 'self'"]);
    expect(result.multiValueHeaders['x-frame-options']).toEqual(['DENY']);
  });

  it('warns, and leaves the result alone, when the handler does not resolve to an HTTP result', async () => {
    const warning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const handler = withLambdaInvoke(async () => {
        queueResultHeaders({ 'x-frame-options': 'DENY' });
        return { message: 'not an HTTP result' };
      });

      await expect(handler({}, lambdaContext())).resolves.toEqual({ message: 'not an HTTP result' });
      expect(warning).toHaveBeenCalledTimes(1);
      expect(warning).toHaveBeenCalledWith(
        expect.stringContaining('did not resolve to an HTTP result'),
        expect.objectContaining({ code: 'LAMBDALITH_RESULT_HEADERS_NOT_SENT' }),
      );
    } finally {
      warning.mockRestore();
    }
  });

  it('does nothing outside an invocation (the caller sets the headers on the response itself)', () => {
    expect(queueResultHeaders({ 'x-frame-options': 'DENY' })).toBe(false);
  });
});

describe('corsPolicy()', () => {
  const allowed = 'https://app.example.com';

  it('echoes an allowed origin, with Vary: Origin', async () => {
    const response = await request(appWith(corsPolicy({ origins: [allowed] })))
      .get('/things')
      .set('Origin', allowed);

    expect(response.headers).toMatchObject({
      'access-control-allow-origin': allowed,
      vary: expect.stringContaining('Origin'),
    });
    expect(response.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  it('gives a disallowed origin no Access-Control-Allow-Origin', async () => {
    const response = await request(appWith(corsPolicy({ origins: [allowed] })))
      .get('/things')
      .set('Origin', 'https://evil.example');

    expect(response.status).toBe(200);
    expect(response.headers).not.toHaveProperty('access-control-allow-origin');
    expect(response.headers['vary']).toContain('Origin');
  });

  it('does not treat a look-alike origin as allowed', async () => {
    const response = await request(appWith(corsPolicy({ origins: [allowed] })))
      .get('/things')
      .set('Origin', 'https://app.example.com.evil.example');

    expect(response.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('answers an allowed preflight with 204, the methods and headers', async () => {
    const response = await request(appWith(corsPolicy({ origins: [allowed] })))
      .options('/things')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

    expect(response).toMatchObject({
      status: 204,
      headers: {
        'access-control-allow-origin': allowed,
        'access-control-allow-methods': 'GET,HEAD,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': 'Authorization,Content-Type,If-Match,If-None-Match,Idempotency-Key',
        'access-control-max-age': '600',
      },
    });
  });

  it('echoes the origin, never *, when credentials are allowed', async () => {
    const response = await request(appWith(corsPolicy({ origins: [allowed], credentials: true })))
      .get('/things')
      .set('Origin', allowed);

    expect(response.headers).toMatchObject({
      'access-control-allow-origin': allowed,
      'access-control-allow-credentials': 'true',
    });
  });

  it('adds no CORS headers at all when the list is empty', async () => {
    const response = await request(appWith(corsPolicy({ origins: [] })))
      .get('/things')
      .set('Origin', allowed);

    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['*', { origins: ['*'] }],
    ['an origin with a path', { origins: ['https://app.example.com/'] }],
    ['a bare host', { origins: ['app.example.com'] }],
    ['a string instead of a list', { origins: 'https://app.example.com' }],
  ])('refuses to start with %s, saying what an origin looks like', (_case, options) => {
    expect(() => corsPolicy(options as unknown as CorsPolicyOptions)).toThrow(/corsPolicy\(\): "origins" must be/);
  });

  it('returns a named middleware', () => {
    expect(corsPolicy({ origins: [allowed] }).name).toBe('corsPolicyMiddleware');
  });
});

describe('isOrigin()', () => {
  it.each(['https://app.example.com', 'http://localhost:3000', 'http://[::1]:3000', 'https://xn--bcher-kva.example'])(
    'accepts %s, an origin exactly as a browser sends it',
    (origin) => {
      expect(isOrigin(origin)).toBe(true);
    },
  );

  it.each([
    ['*', '*'],
    ['a trailing slash', 'https://app.example.com/'],
    ['a path', 'https://app.example.com/app'],
    ['a bare host', 'app.example.com'],
    ['credentials', 'https://user@app.example.com'],
    ['the default port spelled out', 'https://app.example.com:443'],
    ['upper case', 'HTTPS://APP.example.com'],
    ['a non-http scheme', 'ftp://files.example.com'],
    ['the opaque origin', 'null'],
    ['a non-string', 42],
  ])('refuses %s', (_case, value) => {
    expect(isOrigin(value)).toBe(false);
  });

  it('is the rule corsPolicy() applies to its allowlist', () => {
    const candidates = ['https://app.example.com', 'https://app.example.com/', '*', 'http://localhost:5173'];

    const acceptedByCors = candidates.filter((origin) => {
      try {
        corsPolicy({ origins: [origin] });
        return true;
      } catch {
        return false;
      }
    });

    expect(acceptedByCors).toEqual(candidates.filter(isOrigin));
  });
});
