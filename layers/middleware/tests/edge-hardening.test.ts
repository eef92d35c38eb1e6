import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import express, { type Express } from 'express';
import request from 'supertest';
import {
  authenticate,
  body,
  corsPolicy,
  createTokenIssuer,
  errorHandler,
  jsonBody,
  rejectIncompleteHttpEvents,
  requestContext,
  validate,
} from '@lambdalith/middleware';
import { httpApiEvent, lambdaContext, lambdaHandler } from './helpers/lambda';

// The package's HTTP-edge rules on a bare app, as a consumer of the layer mounts them.

const SECRET = 'a-test-secret-of-more-than-32-bytes-0123456789';
const tokens = createTokenIssuer({
  hs256Secret: SECRET,
  issuer: 'lambdalith',
  audience: 'lambdalith-api',
  ttlSeconds: 600,
});

function app(): Express {
  const application = express();
  application.use(requestContext());
  application.use(corsPolicy({ origins: ['https://app.example.com'] }));
  application.post('/items', jsonBody(), validate(body('name').isString()), (_req, res) => {
    res.status(201).json({ ok: true });
  });
  // A store whose keys cannot hold a long subject (DynamoDB: 2 KB) throws on one, as the app's did.
  const loadPrincipal = async (claims: { sub: string }) => {
    if (claims.sub.length > 2_048) throw new Error('ValidationException: key too long');
    return { userId: claims.sub, roles: [], claims };
  };
  application.get(
    '/me',
    authenticate({ hs256Secret: SECRET, issuer: 'lambdalith', audience: 'lambdalith-api', loadPrincipal }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  application.use(errorHandler());
  return application;
}

describe('validate()', () => {
  it('lists at most 20 errors and says in detail how many more there were', async () => {
    // Arrange
    const unknown = Object.fromEntries(Array.from({ length: 45 }, (_, index) => [`extra${index}`, 1]));

    // Act
    const response = await request(app())
      .post('/items')
      .send({ name: 'x', ...unknown });

    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid: 45 errors, the first 20 listed (25 more)',
    });
    expect(response.body.errors).toHaveLength(20);
  });
});

describe('corsPolicy()', () => {
  it("answers a disallowed origin's preflight without any CORS header", async () => {
    // Act
    const response = await request(app())
      .options('/items')
      .set('Origin', 'https://evil.example.net')
      .set('Access-Control-Request-Method', 'POST');

    // Assert
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(response.headers['vary']).toMatch(/Origin/);
  });
});

describe('jsonBody()', () => {
  const hidden = 'application/json; note="; charset=utf-8"; charset=utf-16le';
  const utf16 = Buffer.from(JSON.stringify({ name: 'x' }), 'utf16le');

  it('answers 415 under node:http when a quoted parameter hides the real charset', async () => {
    // Act
    const response = await request(app()).post('/items').set('Content-Type', hidden).send(utf16);

    // Assert
    expect(response).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers 415 in Lambda when a quoted parameter hides the real charset', async () => {
    // Arrange
    const event = {
      ...httpApiEvent({ method: 'POST', path: '/items', headers: { 'content-type': hidden } }),
      body: utf16.toString('base64'),
      isBase64Encoded: true,
    };

    // Act
    const result = await lambdaHandler(app())(event, lambdaContext());

    // Assert
    expect(result.statusCode).toBe(415);
  });
});

describe('authenticate()', () => {
  it('answers a validly signed token with a 3000-character sub with 401, before the store sees it', async () => {
    // Arrange
    const { accessToken } = await tokens.issue('s'.repeat(3_000));

    // Act
    const response = await request(app()).get('/me').set('Authorization', `Bearer ${accessToken}`);

    // Assert
    expect(response).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
  });

  it('answers two Authorization header lines with 400 under node:http, which would keep only the first', async () => {
    // Arrange
    const { accessToken } = await tokens.issue('someone');
    // superagent sends one header line per array element; its types only declare a string.
    const twoLines = [`Bearer ${accessToken}`, 'Bearer other.token.here'] as unknown as string;

    // Act
    const response = await request(app()).get('/me').set('Authorization', twoLines);

    // Assert
    expect(response).toMatchObject({
      status: 400,
      body: { code: 'MULTIPLE_AUTHORIZATION_HEADERS' },
      headers: { 'www-authenticate': 'Bearer error="invalid_request"' },
    });
  });

  it('answers two Authorization headers joined by API Gateway with 400 in Lambda', async () => {
    // Arrange
    const { accessToken } = await tokens.issue('someone');
    const event = httpApiEvent({
      path: '/me',
      headers: { authorization: `Bearer ${accessToken},Bearer other.token.here` },
    });

    // Act
    const result = await lambdaHandler(app())(event, lambdaContext());

    // Assert
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ code: 'MULTIPLE_AUTHORIZATION_HEADERS' });
  });
});

describe('rejectIncompleteHttpEvents()', () => {
  const warnings: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => void warnings.push(args) };
  const passThrough = async (
    _event: APIGatewayProxyEventV2,
    _context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => ({ statusCode: 200, body: 'served' });

  it('hands a complete event to the handler untouched', async () => {
    // Act
    const result = await rejectIncompleteHttpEvents(passThrough, { logger })(
      httpApiEvent({ path: '/' }),
      lambdaContext(),
    );

    // Assert
    expect(result).toEqual({ statusCode: 200, body: 'served' });
  });

  it('answers an HTTP API event without headers with a 400 problem carrying the invocation id, and warns', async () => {
    // Arrange
    const { headers: _headers, ...event } = httpApiEvent({ path: '/' });
    const context = lambdaContext();

    // Act
    const result = await rejectIncompleteHttpEvents(passThrough, { logger })(event as APIGatewayProxyEventV2, context);

    // Assert
    expect(result).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': context.awsRequestId },
    });
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ code: 'INVALID_EVENT', requestId: context.awsRequestId });
    expect(warnings.at(-1)).toEqual([
      'Lambda event rejected: not a complete HTTP event',
      { missing: ['headers'], requestId: context.awsRequestId, status: 400 },
    ]);
  });

  it('throws at start-up without a logger, saying what to pass', () => {
    // Act
    const wrap = (): unknown => rejectIncompleteHttpEvents(passThrough, {} as never);

    // Assert
    expect(wrap).toThrow(/rejectIncompleteHttpEvents\(\)/);
  });
});
