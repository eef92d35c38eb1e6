import { gzipSync } from 'node:zlib';
import express, { type Express } from 'express';
import request from 'supertest';
import {
  errorHandler,
  fixedWindow,
  jsonBody,
  rateLimit,
  requestContext,
  type RateLimitStore,
} from '@lambdalith/middleware';
import { httpApiEvent, lambdaContext, lambdaHandler } from './helpers/lambda';

/** A store that answers only after a turn of the event loop, as one doing real I/O (DynamoDB) does. */
function storeAwaitingIo(): RateLimitStore {
  return {
    increment: async (_key, windowSeconds, nowMs) => {
      await new Promise((resolveIo) => setImmediate(resolveIo));
      return { count: 1, resetAtMs: fixedWindow(windowSeconds, nowMs).endMs };
    },
  };
}

/** The /auth/login shape: a rate limiter that awaits its store, then the body parser, then the route. */
function loginLikeApp(): Express {
  const app = express();
  app.use(requestContext());
  app.post(
    '/items',
    rateLimit({ store: storeAwaitingIo(), limit: 100, windowSeconds: 60, keyPrefix: 'items' }),
    jsonBody({ limit: '1kb' }),
    (req, res) => {
      res.status(201).json({ received: (req.body as unknown) ?? null });
    },
  );
  app.use(errorHandler());
  return app;
}

interface Sent {
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

interface Received {
  readonly status: number;
  readonly body: unknown;
}

interface Host {
  readonly name: string;
  post(app: Express, sent: Sent): Promise<Received>;
}

const nodeHttp: Host = {
  name: 'node:http (supertest)',
  async post(app, sent) {
    // superagent would JSON-serialise a Buffer sent with a JSON content type; send its bytes as they are.
    const pending = request(app)
      .post('/items')
      .set(sent.headers)
      .serialize((bytes) => bytes);
    const response = sent.body === undefined ? await pending : await pending.send(sent.body);
    return { status: response.status, body: response.body as unknown };
  },
};

// Plain `serverlessExpress({ app })`, as the package's docs show it: no custom framework.sendRequest.
const plainServerlessExpress: Host = {
  name: 'plain serverless-express (HTTP API v2 event)',
  async post(app, sent) {
    const event = httpApiEvent({ method: 'POST', path: '/items', headers: sent.headers });
    const withBody =
      sent.body === undefined ? event : { ...event, body: sent.body.toString('base64'), isBase64Encoded: true };
    const result = await lambdaHandler(app)(withBody, lambdaContext());
    return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') as unknown };
  },
};

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

describe.each([nodeHttp, plainServerlessExpress])('jsonBody() behind an awaiting middleware, on $name', (host) => {
  it('delivers the parsed body to the route', async () => {
    const response = await host.post(loginLikeApp(), {
      headers: { 'content-type': 'application/json' },
      body: json({ email: 'a@example.com' }),
    });

    expect(response).toEqual({ status: 201, body: { received: { email: 'a@example.com' } } });
  });

  it('inflates a gzip-compressed body', async () => {
    const response = await host.post(loginLikeApp(), {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(json({ compressed: true })),
    });

    expect(response).toEqual({ status: 201, body: { received: { compressed: true } } });
  });

  it('takes a body of exactly the limit and refuses one byte more (1 kb = 1024 bytes, as body-parser counts)', async () => {
    const exactly1024 = json({ t: 'x'.repeat(1024 - 8) });

    const atLimit = await host.post(loginLikeApp(), {
      headers: { 'content-type': 'application/json' },
      body: exactly1024,
    });
    const overLimit = await host.post(loginLikeApp(), {
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([exactly1024, Buffer.from(' ')]),
    });

    expect(exactly1024.length).toBe(1024);
    expect([atLimit.status, overLimit.status]).toEqual([201, 413]);
  });

  it('leaves the body undefined when the request has none', async () => {
    const response = await host.post(loginLikeApp(), { headers: {} });

    expect(response).toEqual({ status: 201, body: { received: null } });
  });

  it.each([
    [
      'a body over the limit',
      413,
      'PAYLOAD_TOO_LARGE',
      { 'content-type': 'application/json' },
      json({ text: 'x'.repeat(2_000) }),
    ],
    [
      'a gzip body that inflates past the limit',
      413,
      'PAYLOAD_TOO_LARGE',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(json({ text: 'x'.repeat(50_000) })),
    ],
    [
      'a gzip header on a body that is not gzip',
      400,
      'INVALID_BODY',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      json({ a: 1 }),
    ],
    [
      'an unknown content encoding',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      { 'content-type': 'application/json', 'content-encoding': 'x-custom' },
      json({ a: 1 }),
    ],
    [
      'a non-JSON media type',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      { 'content-type': 'text/plain' },
      Buffer.from('email=a@example.com'),
    ],
    [
      'a charset other than UTF-8',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      { 'content-type': 'application/json; charset=utf-16le' },
      Buffer.from('{"a":1}', 'utf16le'),
    ],
    [
      'malformed JSON',
      400,
      'MALFORMED_JSON',
      { 'content-type': 'application/json' },
      Buffer.from('{"email": "a@example.com",'),
    ],
    [
      'a top-level string instead of an object',
      400,
      'MALFORMED_JSON',
      { 'content-type': 'application/json' },
      json('just a string'),
    ],
  ])('answers %s with %i %s', async (_case, status, code, headers, body) => {
    const response = await host.post(loginLikeApp(), { headers, body });

    expect(response).toEqual({ status, body: expect.objectContaining({ status, code }) });
  });
});

describe('jsonBody() options', () => {
  it.each([['0kb'], ['100 gb'], [0], [Number.POSITIVE_INFINITY], ['lots']])(
    'refuses the limit %p at startup',
    (limit) => {
      expect(() => jsonBody({ limit })).toThrow(
        /jsonBody\(\): "limit" must be a positive byte count or a string like '100kb'/,
      );
    },
  );
});
