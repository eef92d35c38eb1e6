import { randomUUID } from 'node:crypto';
import express, { Router, type Express } from 'express';
import request from 'supertest';
import {
  authenticate,
  createLogger,
  createTokenIssuer,
  errorHandler,
  jsonBody,
  notFound,
  requestContext,
  requestLogger,
  type CreateLoggerOptions,
  type Logger,
} from '@lambdalith/middleware';
import { captureOutput, type CapturedOutput } from './helpers/capture-output';
import { lambdaContext, httpApiEvent, lambdaHandler } from './helpers/lambda';

const SECRET = 'a-test-secret-of-more-than-32-bytes-0123456789';
const tokens = createTokenIssuer({
  hs256Secret: SECRET,
  issuer: 'lambdalith',
  audience: 'lambdalith-api',
  ttlSeconds: 600,
});

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
});

/** An app with the logger mounted as the app mounts it, a public route, a protected route and a failing one. */
function loggedApp(logger: Logger): Express {
  const app = express();
  app.use(requestContext());
  app.use(requestLogger({ logger }));
  const users = Router();
  users.get('/:id', (req, res) => {
    res.json({ id: req.params['id'] });
  });
  users.get(
    '/:id/private',
    authenticate({ hs256Secret: SECRET, issuer: 'lambdalith', audience: 'lambdalith-api' }),
    async (_req, res) => {
      await new Promise((resolveTick) => setImmediate(resolveTick));
      res.json({ ok: true });
    },
  );
  users.post('/:id/fail', jsonBody(), () => {
    throw new Error('database exploded');
  });
  app.use('/users', users);
  app.use(notFound());
  app.use(errorHandler({ logger }));
  return app;
}

const requestLines = (): Record<string, unknown>[] =>
  output.json().filter((line) => line['message'] === 'request completed');

describe('createLogger()', () => {
  it('prints one JSON line per entry with level, message, service and timestamp', () => {
    const logger = createLogger({ serviceName: 'svc' });

    logger.info('hello', { answer: 42 });

    expect(output.stdout).toHaveLength(1);
    expect(output.json()[0]).toMatchObject({
      level: 'INFO',
      message: 'hello',
      service: 'svc',
      timestamp: expect.any(String),
      answer: 42,
    });
  });

  it('redacts Authorization, cookies and any password field, at any depth', () => {
    const logger = createLogger({ serviceName: 'svc' });

    logger.info('incoming', {
      headers: {
        authorization: 'Bearer eyJ.secret.token',
        Cookie: 'session=abc',
        'set-cookie': ['a=b'],
        accept: 'application/json',
      },
      body: { email: 'ada@example.com', password: 'hunter2hunter2', profile: { newPassword: 'n3w-p4ss' } },
    });

    const line = output.stdout.join('\n');
    expect(line).not.toMatch(/eyJ\.secret\.token|session=abc|hunter2|n3w-p4ss|a=b/);
    expect(output.json()[0]).toMatchObject({
      headers: {
        authorization: '[REDACTED]',
        Cookie: '[REDACTED]',
        'set-cookie': '[REDACTED]',
        accept: 'application/json',
      },
      body: { email: 'ada@example.com', password: '[REDACTED]', profile: { newPassword: '[REDACTED]' } },
    });
  });

  it('honours the level: entries below it are not printed', () => {
    const logger = createLogger({ serviceName: 'svc', level: 'WARN' });

    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');

    expect(output.stdout).toEqual([]);
    expect(output.stderr).toHaveLength(1);
    expect(JSON.parse(output.stderr[0] ?? '{}')).toMatchObject({ level: 'WARN', message: 'loud' });
  });

  it('prints nothing at SILENT', () => {
    const logger = createLogger({ serviceName: 'svc', level: 'SILENT' });

    logger.error('nobody hears this');

    expect([...output.stdout, ...output.stderr]).toEqual([]);
  });

  it('prints a human-readable line in the pretty format, with the same redaction', () => {
    const logger = createLogger({ serviceName: 'svc', format: 'pretty' });

    logger.info('request completed', {
      method: 'GET',
      route: '/users/:id',
      status: 200,
      headers: { authorization: 'Bearer abc.def.ghi' },
      password: 'pw',
    });

    expect(output.stdout).toHaveLength(1);
    const line = output.stdout[0] ?? '';
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}request completed method=GET route=\/users\/:id status=200 /);
    expect(line).toContain('password=[REDACTED]');
    expect(line).toContain('"authorization":"[REDACTED]"');
    expect(line).not.toContain('abc.def.ghi');
    expect(() => JSON.parse(line)).toThrow();
  });

  it('prints an error with its stack in the pretty format, on stderr', () => {
    const logger = createLogger({ serviceName: 'svc', format: 'pretty' });

    logger.error('request failed', { error: new Error('boom') });

    expect(output.stderr.join('\n')).toMatch(/ERROR request failed\n\s+error: Error: boom\n\s+at /);
  });

  it.each([
    ['no service name', { serviceName: '' }, /createLogger\(\): "serviceName" must be a non-empty string/],
    [
      'an unknown level',
      { serviceName: 's', level: 'VERBOSE' },
      /"level" must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL/,
    ],
    ['an unknown format', { serviceName: 's', format: 'xml' }, /"format" must be 'json' or 'pretty'/],
  ])('refuses to start with %s', (_case, options, message) => {
    expect(() => createLogger(options as unknown as CreateLoggerOptions)).toThrow(message);
  });
});

describe('requestLogger()', () => {
  it('logs one line per request with method, route pattern, path, status, duration and ids', async () => {
    const app = loggedApp(createLogger({ serviceName: 'svc' }));

    const response = await request(app).get('/users/42?email=ada@example.com');

    const lines = requestLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 'INFO',
        method: 'GET',
        route: '/users/:id',
        path: '/users/42',
        status: 200,
        durationMs: expect.any(Number),
        requestId: response.headers['x-request-id'],
      }),
    );
    expect(lines[0]).not.toHaveProperty('userId');
    expect(lines[0]).not.toHaveProperty('correlationId');
    expect(output.stdout.join('\n')).not.toContain('ada@example.com');
  });

  it('adds the user id once authenticate() succeeded, and never the token', async () => {
    const app = loggedApp(createLogger({ serviceName: 'svc' }));
    const userId = randomUUID();
    const { accessToken } = await tokens.issue(userId);

    await request(app).get(`/users/${userId}/private`).set('Authorization', `Bearer ${accessToken}`);

    expect(requestLines()).toEqual([expect.objectContaining({ route: '/users/:id/private', status: 200, userId })]);
    expect(output.stdout.join('\n')).not.toContain(accessToken);
  });

  it('logs failed requests with their status and route, and the 5xx cause separately', async () => {
    const app = loggedApp(createLogger({ serviceName: 'svc' }));

    await request(app).post('/users/1/fail').send({ password: 'hunter2hunter2' });

    expect(requestLines()).toEqual([expect.objectContaining({ route: '/users/:id/fail', status: 500 })]);
    expect(output.stderr.join('\n')).toContain('database exploded');
    expect([...output.stdout, ...output.stderr].join('\n')).not.toContain('hunter2');
  });

  it('logs unmatched requests without a route pattern', async () => {
    const app = loggedApp(createLogger({ serviceName: 'svc' }));

    await request(app).get('/nowhere');

    expect(requestLines()).toEqual([expect.objectContaining({ path: '/nowhere', status: 404 })]);
    expect(requestLines()[0]).not.toHaveProperty('route');
  });

  it('prints nothing when the level is above INFO', async () => {
    const app = loggedApp(createLogger({ serviceName: 'svc', level: 'WARN' }));

    await request(app).get('/users/1');

    expect(output.stdout).toEqual([]);
  });

  it('returns a named middleware and refuses a missing logger', () => {
    expect(requestLogger({ logger: createLogger({ serviceName: 'svc' }) }).name).toBe('requestLoggerMiddleware');
    expect(() => requestLogger({} as { logger: Logger })).toThrow(
      /requestLogger\(\): "logger" must be a Logger from createLogger\(\)/,
    );
  });
});

describe('requestLogger() in Lambda', () => {
  const savedTraceId = process.env['_X_AMZN_TRACE_ID'];
  afterEach(() => {
    if (savedTraceId === undefined) delete process.env['_X_AMZN_TRACE_ID'];
    else process.env['_X_AMZN_TRACE_ID'] = savedTraceId;
  });

  it('adds the Lambda request id, cold start and X-Ray trace id, and writes the line before the invocation returns', async () => {
    // Lambda sets this per invocation; Powertools reads it for every entry.
    process.env['_X_AMZN_TRACE_ID'] = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    const handler = lambdaHandler(loggedApp(createLogger({ serviceName: 'svc' })));
    const context = lambdaContext();

    await handler(httpApiEvent({ path: '/users/7', gatewayRequestId: 'gw-7' }), context);

    expect(requestLines()).toEqual([
      expect.objectContaining({
        route: '/users/:id',
        status: 200,
        requestId: context.awsRequestId,
        correlationId: 'gw-7',
        function_request_id: context.awsRequestId,
        cold_start: expect.any(Boolean),
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      }),
    ]);
  });

  it('keeps concurrent invocations’ lines apart: each line has its own request id and user', async () => {
    const handler = lambdaHandler(loggedApp(createLogger({ serviceName: 'svc' })));
    const callers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const userId = randomUUID();
        return { userId, context: lambdaContext(), token: (await tokens.issue(userId)).accessToken };
      }),
    );

    await Promise.all(
      callers.map(({ userId, context, token }) =>
        handler(
          httpApiEvent({ path: `/users/${userId}/private`, headers: { authorization: `Bearer ${token}` } }),
          context,
        ),
      ),
    );

    const lines = requestLines();
    expect(lines).toHaveLength(20);
    for (const { userId, context } of callers) {
      expect(lines.filter((line) => line['function_request_id'] === context.awsRequestId)).toEqual([
        expect.objectContaining({
          userId,
          requestId: context.awsRequestId,
          path: `/users/${userId}/private`,
          status: 200,
        }),
      ]);
    }
  });
});
