import express, { type Express } from 'express';
import request from 'supertest';
import {
  corsPolicy,
  errorHandler,
  isOrigin,
  notFound,
  securityHeaders,
  type CorsPolicyOptions,
} from '@lambdalith/middleware';

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
