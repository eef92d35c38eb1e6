import express, { type Express } from 'express';
import request from 'supertest';
import {
  BadRequestError,
  ConflictError,
  errorHandler,
  jsonBody,
  methodNotAllowed,
  notFound,
  requestContext,
  ServiceUnavailableError,
  TooManyRequestsError,
  requestContextOf,
  type ErrorLogger,
  type HttpError,
} from '@lambdalith/middleware';
import { httpApiEvent, lambdaContext, lambdaHandler } from './helpers/lambda';

interface LoggedError {
  readonly message: string;
  readonly extra: unknown[];
}

function recordingLogger(): ErrorLogger & { errors: LoggedError[] } {
  const errors: LoggedError[] = [];
  return { errors, error: (message, ...extra) => errors.push({ message, extra }), warn: () => undefined };
}

/** A tiny app with the stack every later route relies on. */
function appWith(
  options: { logger?: ErrorLogger; mapError?: (error: unknown) => HttpError | undefined } = {},
): Express {
  const app = express();
  app.use(requestContext());
  app
    .route('/items')
    .post(...jsonBody({ limit: '1kb' }), (req, res) => {
      res.status(201).json({ received: req.body as unknown });
    })
    .get((_req, res) => {
      res.json([]);
    })
    .all(methodNotAllowed());
  app.get('/boom', () => {
    throw new Error('database password is hunter2 at db.internal:5432');
  });
  app.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('Cannot read properties of undefined (reading "secret")');
  });
  app.get('/conflict', () => {
    throw new ConflictError('Email already registered', { code: 'EMAIL_TAKEN' });
  });
  app.get('/throttled', () => {
    throw new TooManyRequestsError(30);
  });
  app.get('/mapped', () => {
    throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  });
  app.use(notFound());
  app.use(errorHandler(options));
  return app;
}

const PROBLEM = /^application\/problem\+json; charset=utf-8$/;

describe('errorHandler with the routing helpers', () => {
  it('answers an unknown route with a 404 problem whose requestId matches x-request-id', async () => {
    const response = await request(appWith()).get('/nope');

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route matches this path',
      code: 'NOT_FOUND',
      requestId: response.headers['x-request-id'],
    });
  });

  it("answers a known path with a wrong method with 405 and the route's methods in Allow", async () => {
    const response = await request(appWith()).delete('/items');

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD, POST');
    expect(response.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it('answers malformed JSON with a 400 problem and no parser internals', async () => {
    const response = await request(appWith())
      .post('/items')
      .set('Content-Type', 'application/json')
      .send('{"name": "x",');

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON', detail: 'Malformed JSON body' });
    expect(JSON.stringify(response.body)).not.toMatch(/Unexpected|position|SyntaxError/);
  });

  it('answers a body over the limit with 413', async () => {
    const response = await request(appWith())
      .post('/items')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(2_000) }));

    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers a non-JSON body on a JSON route with 415', async () => {
    const response = await request(appWith()).post('/items').set('Content-Type', 'text/plain').send('name=x');

    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('accepts JSON with a +json media type and a charset', async () => {
    const response = await request(appWith())
      .post('/items')
      .set('Content-Type', 'application/merge-patch+json; charset=utf-8')
      .send('{"a":1}');

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ received: { a: 1 } });
  });

  it('keeps the message, code and headers of client errors', async () => {
    const app = appWith();

    const conflict = await request(app).get('/conflict');
    const throttled = await request(app).get('/throttled');

    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'EMAIL_TAKEN', detail: 'Email already registered' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('30');
  });

  it('maps errors it does not know through mapError', async () => {
    const app = appWith({
      mapError: (error) =>
        error instanceof Error && error.name === 'TimeoutError'
          ? new ServiceUnavailableError('busy', { retryAfterSeconds: 3 })
          : undefined,
    });

    const response = await request(app).get('/mapped');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('3');
    expect(response.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: 'The service is temporarily unavailable. Retry after the number of seconds in Retry-After.',
    });
    expect(response.text).not.toContain('busy');
  });

  it.each([undefined, 'production', 'development'])(
    'answers an unexpected error with a generic 500 and logs the real one (NODE_ENV=%s)',
    async (nodeEnv) => {
      const saved = process.env['NODE_ENV'];
      if (nodeEnv === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = nodeEnv;
      const logger = recordingLogger();
      const app = appWith({ logger });

      try {
        for (const path of ['/boom', '/async-boom']) {
          const response = await request(app).get(path);

          expect(response.status).toBe(500);
          expect(response.headers['content-type']).toMatch(PROBLEM);
          expect(response.body).toEqual({
            type: 'about:blank',
            title: 'Internal Server Error',
            status: 500,
            detail: expect.stringMatching(/^An unexpected error occurred/),
            code: 'INTERNAL_ERROR',
            requestId: response.headers['x-request-id'],
          });
          expect(response.text).not.toMatch(/hunter2|secret|at .*\.(ts|js)|<html/i);
        }
        expect(logger.errors).toHaveLength(2);
      } finally {
        if (saved === undefined) delete process.env['NODE_ENV'];
        else process.env['NODE_ENV'] = saved;
      }
    },
  );

  it('reports field errors of a BadRequestError in the errors array', async () => {
    const app = express();
    app.use(requestContext());
    app.get('/validate', () => {
      throw new BadRequestError('Invalid request', {
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'email', message: 'must be an email' }],
      });
    });
    app.use(errorHandler());

    const response = await request(app).get('/validate');

    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'email', message: 'must be an email' }],
    });
  });
});

describe('errorHandler once the response has started', () => {
  /**
   * A route that sends its status, headers and part of the body, then fails. The app runs in production mode,
   * where Express's own final handler would print the error's stack with console.error.
   */
  function streamingApp(logger: ErrorLogger, seenRequestIds: string[]): Express {
    const app = express();
    app.set('env', 'production');
    app.use(requestContext());
    app.get('/export', async (req, res, next) => {
      seenRequestIds.push(requestContextOf(req).requestId);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items": [');
      await Promise.resolve();
      next(new Error('database password is hunter2 at db.internal:5432'));
    });
    app.get('/done-then-fails', (req, res, next) => {
      seenRequestIds.push(requestContextOf(req).requestId);
      res.json({ ok: true });
      next(new Error('audit write failed after the answer'));
    });
    app.use(errorHandler({ logger }));
    return app;
  }

  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    consoleError.mockRestore();
  });

  it('logs the error through the logger with the request id, aborts the connection and prints nothing to the console', async () => {
    const logger = recordingLogger();
    const seenRequestIds: string[] = [];

    const outcome = await request(streamingApp(logger, seenRequestIds))
      .get('/export')
      .then(
        (response) => ({ completed: true, status: response.status }),
        (error: unknown) => ({ completed: false, error: (error as NodeJS.ErrnoException).code ?? String(error) }),
      );

    expect(outcome).toEqual({ completed: false, error: expect.stringMatching(/ECONNRESET|aborted/i) });
    expect(logger.errors).toEqual([
      {
        message: 'request failed after the response started',
        extra: [
          {
            error: expect.objectContaining({ message: expect.stringContaining('hunter2') }),
            status: 200,
            requestId: seenRequestIds[0],
          },
        ],
      },
    ]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('leaves a response that was already complete as it is, and logs the late error', async () => {
    const logger = recordingLogger();
    const seenRequestIds: string[] = [];

    const response = await request(streamingApp(logger, seenRequestIds)).get('/done-then-fails');

    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(logger.errors).toEqual([
      {
        message: 'request failed after the response started',
        extra: [expect.objectContaining({ status: 200, requestId: seenRequestIds[0] })],
      },
    ]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('ends the Lambda invocation with a bare 500 instead of the truncated body (and never hangs it)', async () => {
    const logger = recordingLogger();
    const context = lambdaContext();

    const result = await lambdaHandler(streamingApp(logger, []))(httpApiEvent({ path: '/export' }), context);

    expect(result).toMatchObject({ statusCode: 500, body: '' });
    expect(logger.errors).toEqual([
      {
        message: 'request failed after the response started',
        extra: [expect.objectContaining({ status: 200, requestId: context.awsRequestId })],
      },
    ]);
  });
});

describe('requestContext', () => {
  it('generates a fresh id per request locally and ignores one sent by the client', async () => {
    const app = appWith();

    const first = await request(app).get('/items').set('x-request-id', 'client-chosen');
    const second = await request(app).get('/items');

    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('refuses an invalid header name at startup', () => {
    expect(() => requestContext({ header: 'x request id' })).toThrow(/must be a valid HTTP header name/);
  });
});
