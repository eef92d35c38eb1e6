import express, { type Express } from 'express';
import request from 'supertest';
import {
  errorHandler,
  fixedWindow,
  MemoryRateLimitStore,
  rateLimit,
  requestContext,
  ServiceUnavailableError,
  type RateLimitOptions,
  type RateLimitStore,
} from '@lambdalith/middleware';
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { albMultiValueEvent, lambdaContext, httpApiEvent, lambdaHandler } from './helpers/lambda';

/** A clock the test moves by hand, so windows pass without sleeping. */
function manualClock(startMs = Date.UTC(2026, 0, 1, 12, 0, 0)): { now: () => number; advance: (ms: number) => void } {
  let current = startMs;
  return { now: () => current, advance: (ms) => (current += ms) };
}

function limitedApp(options: Partial<RateLimitOptions> & Pick<RateLimitOptions, 'store'>): Express {
  const app = express();
  app.use(requestContext());
  app.post('/login', rateLimit({ limit: 3, windowSeconds: 60, keyPrefix: 'login', ...options }), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler());
  return app;
}

describe('rateLimit()', () => {
  it('lets `limit` requests through per window and reports what is left', async () => {
    const clock = manualClock();
    const app = limitedApp({ store: new MemoryRateLimitStore(), now: clock.now });

    const statuses = [];
    const remaining = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await request(app).post('/login');
      statuses.push(response.status);
      remaining.push(response.headers['ratelimit-remaining']);
    }

    expect(statuses).toEqual([200, 200, 200]);
    expect(remaining).toEqual(['2', '1', '0']);
  });

  it('answers the request over the limit with a 429 problem and Retry-After until the window ends', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12, 0, 15));
    const app = limitedApp({ store: new MemoryRateLimitStore(), now: clock.now });
    for (let i = 0; i < 3; i += 1) await request(app).post('/login');

    const response = await request(app).post('/login');

    expect(response).toMatchObject({
      status: 429,
      headers: {
        'retry-after': '45',
        'ratelimit-limit': '3',
        'ratelimit-remaining': '0',
        'content-type': expect.stringMatching(/^application\/problem\+json/),
      },
      body: { status: 429, code: 'TOO_MANY_REQUESTS' },
    });
  });

  it('starts counting afresh in the next window', async () => {
    const clock = manualClock();
    const app = limitedApp({ store: new MemoryRateLimitStore(), now: clock.now });
    for (let i = 0; i < 4; i += 1) await request(app).post('/login');

    clock.advance(60_000);
    const response = await request(app).post('/login');

    expect(response.status).toBe(200);
  });

  it('counts each client IP separately and never trusts X-Forwarded-For', async () => {
    const store = new MemoryRateLimitStore();
    const clock = manualClock();
    const app = limitedApp({ store, now: clock.now });
    for (let i = 0; i < 3; i += 1) await request(app).post('/login').set('X-Forwarded-For', `198.51.100.${i}`);

    const spoofed = await request(app).post('/login').set('X-Forwarded-For', '203.0.113.99');

    expect(spoofed.status).toBe(429);
  });

  it('counts by API Gateway sourceIp in Lambda', async () => {
    const app = limitedApp({ store: new MemoryRateLimitStore(), limit: 1 });
    const handler = lambdaHandler(app);

    const first = await handler(
      httpApiEvent({ method: 'POST', path: '/login', sourceIp: '198.51.100.1' }),
      lambdaContext(),
    );
    const sameIp = await handler(
      httpApiEvent({ method: 'POST', path: '/login', sourceIp: '198.51.100.1' }),
      lambdaContext(),
    );
    const otherIp = await handler(
      httpApiEvent({
        method: 'POST',
        path: '/login',
        sourceIp: '198.51.100.2',
        headers: { 'x-forwarded-for': '198.51.100.1' },
      }),
      lambdaContext(),
    );

    expect([first.statusCode, sameIp.statusCode, otherIp.statusCode]).toEqual([200, 429, 200]);
  });

  it('counts each client separately behind an ALB that sends multi-value headers', async () => {
    const handler = lambdaHandler<ALBEvent, ALBResult>(limitedApp({ store: new MemoryRateLimitStore(), limit: 1 }));
    const login = (forwardedFor: string[]): ALBEvent =>
      albMultiValueEvent({ method: 'POST', path: '/login', forwardedFor });

    const first = await handler(login(['198.51.100.1']), lambdaContext());
    const otherClient = await handler(login(['198.51.100.2']), lambdaContext());
    const firstAgainClaimingToBeNew = await handler(
      login(['192.0.2.77', '203.0.113.5, 198.51.100.1']),
      lambdaContext(),
    );

    expect([first.statusCode, otherClient.statusCode, firstAgainClaimingToBeNew.statusCode]).toEqual([200, 200, 429]);
  });

  it('counts an IPv6 client by its /64, and an IPv4 client seen as IPv4-mapped IPv6 by its IPv4 address', async () => {
    const keys: string[] = [];
    const store: RateLimitStore = {
      increment: async (key, windowSeconds, nowMs) => {
        keys.push(key);
        return { count: 1, resetAtMs: fixedWindow(windowSeconds, nowMs).endMs };
      },
    };
    const handler = lambdaHandler(limitedApp({ store }));
    const sourceIps = [
      '2001:db8:1:2:a:b:c:d',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8::1',
      'fe80::1%eth0',
      '::ffff:198.51.100.4',
      '::ffff:c633:6405',
      '203.0.113.7',
    ];

    for (const sourceIp of sourceIps)
      await handler(httpApiEvent({ method: 'POST', path: '/login', sourceIp }), lambdaContext());

    expect(keys).toEqual([
      'login:2001:db8:1:2::/64',
      'login:2001:db8:1:2::/64',
      'login:2001:db8:0:0::/64',
      'login:fe80:0:0:0::/64',
      'login:198.51.100.4',
      'login:198.51.100.5',
      'login:203.0.113.7',
    ]);
  });

  it('lets one IPv6 host not escape the limit by changing addresses within its /64', async () => {
    const handler = lambdaHandler(limitedApp({ store: new MemoryRateLimitStore(), limit: 1 }));
    const login = (sourceIp: string) =>
      handler(httpApiEvent({ method: 'POST', path: '/login', sourceIp }), lambdaContext());

    const first = await login('2001:db8:1:2::1');
    const sameHostNewAddress = await login('2001:db8:1:2:ffff::9');
    const otherNetwork = await login('2001:db8:1:3::1');

    expect([first.statusCode, sameHostNewAddress.statusCode, otherNetwork.statusCode]).toEqual([200, 429, 200]);
  });

  it('counts by a custom key when given one, under its own prefix', async () => {
    const keys: string[] = [];
    const store: RateLimitStore = {
      increment: async (key, windowSeconds, nowMs) => {
        keys.push(key);
        return { count: 1, resetAtMs: fixedWindow(windowSeconds, nowMs).endMs };
      },
    };
    const app = limitedApp({ store, key: (req) => String(req.headers['x-tenant']) });

    await request(app).post('/login').set('x-tenant', 'acme');

    expect(keys).toEqual(['login:acme']);
  });

  it('fails closed when the store fails: the error handler answers, the route never runs', async () => {
    const store: RateLimitStore = {
      increment: async () => {
        throw new ServiceUnavailableError('The database is temporarily unavailable', { retryAfterSeconds: 2 });
      },
    };

    const response = await request(limitedApp({ store })).post('/login');

    expect(response).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it.each([
    ['no store', { store: undefined }, /"store" must be a RateLimitStore/],
    ['a zero limit', { limit: 0 }, /"limit" must be an integer from 1 to 1000000/],
    ['a fractional window', { windowSeconds: 0.5 }, /"windowSeconds" must be an integer from 1 to 86400/],
    ['a key prefix with spaces', { keyPrefix: 'log in' }, /"keyPrefix" must be 1–64 letters, digits/],
    ['a key that is not a function', { key: 'ip' }, /"key" must be a function/],
  ])('refuses to start with %s', (_case, override, message) => {
    const options = { store: new MemoryRateLimitStore(), limit: 3, windowSeconds: 60, keyPrefix: 'login', ...override };
    expect(() => rateLimit(options as unknown as RateLimitOptions)).toThrow(message);
  });

  it('returns a named middleware', () => {
    expect(rateLimit({ store: new MemoryRateLimitStore(), limit: 1, windowSeconds: 1, keyPrefix: 'x' }).name).toBe(
      'rateLimitMiddleware',
    );
  });
});

describe('fixedWindow()', () => {
  it('aligns windows to the epoch so every instance agrees on them', () => {
    expect(fixedWindow(60, Date.UTC(2026, 0, 1, 12, 0, 59, 999))).toEqual({
      startMs: Date.UTC(2026, 0, 1, 12, 0, 0),
      endMs: Date.UTC(2026, 0, 1, 12, 1, 0),
    });
  });
});

describe('MemoryRateLimitStore', () => {
  it('counts per key and window', async () => {
    const store = new MemoryRateLimitStore();
    const now = Date.UTC(2026, 0, 1);

    const a1 = await store.increment('a', 60, now);
    const a2 = await store.increment('a', 60, now + 1_000);
    const b1 = await store.increment('b', 60, now);
    const aNext = await store.increment('a', 60, now + 60_000);

    expect([a1.count, a2.count, b1.count, aNext.count]).toEqual([1, 2, 1, 1]);
    expect(a1.resetAtMs).toBe(now + 60_000);
  });
});
