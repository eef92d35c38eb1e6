import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { SignJWT, UnsecuredJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import request from 'supertest';
import {
  authenticate,
  createTokenIssuer,
  errorHandler,
  getAuth,
  requestContext,
  requestContextOf,
  requireRole,
  ServiceUnavailableError,
  type AuthenticateOptions,
  type Principal,
} from '@lambdalith/middleware';
import { lambdaContext, httpApiEvent, lambdaHandler, type LambdaHandler } from './helpers/lambda';
import { signingKey, startKeyServer, type KeyServer } from './helpers/key-server';

const SECRET = 'a-test-secret-of-more-than-32-bytes-0123456789';
const ISSUER = 'lambdalith';
const AUDIENCE = 'lambdalith-api';
const baseOptions: AuthenticateOptions = { hs256Secret: SECRET, issuer: ISSUER, audience: AUDIENCE };

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A token signed with `secret`, with claims and header exactly as given (no defaults beyond alg). */
async function hs256Token(
  payload: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
  secret = SECRET,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header })
    .sign(new TextEncoder().encode(secret));
}

/** Claims of a valid app token for `sub`. */
function validClaims(sub = randomUUID(), extra: JWTPayload = {}): JWTPayload {
  const iat = nowSeconds();
  return { iss: ISSUER, aud: AUDIENCE, sub, iat, exp: iat + 600, jti: randomUUID(), ...extra };
}

/** A tiny app: one protected route that echoes what getAuth() and the request context saw. */
function protectedApp(options: AuthenticateOptions = baseOptions, ...after: RequestHandler[]): Express {
  const app = express();
  app.use(requestContext());
  app.get('/me', authenticate(options), ...after, (req, res) => {
    res.json({ principal: getAuth(req), contextUserId: requestContextOf(req).principal?.userId });
  });
  app.get('/open', (req, res) => {
    res.json({
      principal: (() => {
        try {
          return getAuth(req);
        } catch (error) {
          return { error: (error as Error).name };
        }
      })(),
    });
  });
  app.use(errorHandler());
  return app;
}

describe('authenticate()', () => {
  it('accepts a token from createTokenIssuer() and exposes the caller through getAuth() and the request context', async () => {
    const tokens = createTokenIssuer({ hs256Secret: SECRET, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 600 });
    const userId = randomUUID();
    const { accessToken } = await tokens.issue(userId, { roles: ['admin'] });

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${accessToken}`);

    expect(response).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    expect(response.body).toEqual({
      principal: {
        userId,
        roles: ['admin'],
        claims: expect.objectContaining({ sub: userId, iss: ISSUER, aud: AUDIENCE }),
      },
      contextUserId: userId,
    });
  });

  it('accepts the scheme name in any case, as RFC 7235 says', async () => {
    const token = await hs256Token(validClaims());

    const response = await request(protectedApp()).get('/me').set('Authorization', `bearer ${token}`);

    expect(response.status).toBe(200);
  });

  it('answers a request without Authorization with a 401 problem and WWW-Authenticate: Bearer', async () => {
    const response = await request(protectedApp()).get('/me');

    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer', 'content-type': expect.stringMatching(/^application\/problem\+json/) },
      body: { status: 401, code: 'UNAUTHORIZED', detail: 'Authentication required' },
    });
  });

  it.each([
    ['the query string', (token: string) => request(protectedApp()).get(`/me?access_token=${token}`)],
    ['a cookie', (token: string) => request(protectedApp()).get('/me').set('Cookie', `access_token=${token}`)],
    ['a custom header', (token: string) => request(protectedApp()).get('/me').set('X-Access-Token', token)],
    [
      'the body',
      (token: string) =>
        request(protectedApp()).get('/me').set('Content-Type', 'application/json').send({ access_token: token }),
    ],
  ])('ignores a valid token sent in %s', async (_where, send) => {
    const token = await hs256Token(validClaims());

    const response = await send(token);

    expect(response.status).toBe(401);
  });

  it.each([
    ['another scheme', (token: string) => `Basic ${token}`],
    ['no token after the scheme', () => 'Bearer '],
    ['something that is not a JWT', () => 'Bearer not-a-jwt'],
  ])('rejects %s with 401 INVALID_TOKEN', async (_case, header) => {
    const token = await hs256Token(validClaims());

    const response = await request(protectedApp()).get('/me').set('Authorization', header(token));

    expect(response).toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) } });
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('rejects a token signed with another secret, without saying why', async () => {
    const token = await hs256Token(validClaims(), {}, 'another-secret-that-is-also-long-enough-000');

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      body: { code: 'INVALID_TOKEN', detail: 'The access token is invalid' },
    });
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const token = new UnsecuredJWT(validClaims()).encode();

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects HS512 even with the right secret: algorithms are pinned', async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(SECRET));

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects a correctly signed HS256 token of another type (no typ: at+jwt)', async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects an expired token with 401 TOKEN_EXPIRED', async () => {
    const token = await hs256Token(validClaims(undefined, { iat: nowSeconds() - 120, exp: nowSeconds() - 60 }));

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') },
      body: { code: 'TOKEN_EXPIRED' },
    });
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await hs256Token(validClaims(undefined, { iat: nowSeconds() - 60, exp: nowSeconds() - 2 }));

    const response = await request(protectedApp({ ...baseOptions, clockToleranceSeconds: 10 }))
      .get('/me')
      .set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(200);
  });

  it('rejects a token older than maxTokenAgeSeconds even when its exp is far away', async () => {
    const token = await hs256Token(validClaims(undefined, { iat: nowSeconds() - 7_200, exp: nowSeconds() + 86_400 }));

    const response = await request(protectedApp({ ...baseOptions, maxTokenAgeSeconds: 3_600 }))
      .get('/me')
      .set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const token = await hs256Token(validClaims(undefined, { iat: nowSeconds() + 120, exp: nowSeconds() + 600 }));

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it.each(['sub', 'exp', 'iat'])('rejects a token without %s', async (claim) => {
    const claims = validClaims();
    delete claims[claim];
    const token = await hs256Token(claims);

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it.each([
    ['issuer', { iss: 'someone-else' }],
    ['audience', { aud: 'another-api' }],
  ])('rejects a token for another %s', async (_claim, override) => {
    const token = await hs256Token(validClaims(undefined, override));

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('never fetches a jku from the token header, and rejects the token', async () => {
    const attackerKey = await signingKey('RS256', 'attacker');
    const attacker = await startKeyServer([attackerKey.publicJwk]);
    try {
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'attacker', jku: attacker.url })
        .sign(attackerKey.privateKey);

      const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

      expect(response.status).toBe(401);
      expect(attacker.requests()).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it.each(['jku', 'x5u', 'jwk', 'x5c'])(
    'rejects even a correctly signed app token whose header carries %s',
    async (parameter) => {
      const attackerKey = await signingKey('RS256', 'attacker');
      const attacker = await startKeyServer([attackerKey.publicJwk]);
      const values: Record<string, unknown> = {
        jku: attacker.url,
        x5u: attacker.url,
        jwk: attackerKey.publicJwk,
        x5c: ['MIIB'],
      };
      try {
        const token = await hs256Token(validClaims(), { [parameter]: values[parameter] });

        const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

        expect(response).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
        expect(attacker.requests()).toBe(0);
      } finally {
        await attacker.close();
      }
    },
  );

  it('never trusts a key embedded in the token header (jwk)', async () => {
    const attackerKey = await signingKey('RS256', 'embedded');
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jwk: attackerKey.publicJwk })
      .sign(attackerKey.privateKey);

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects an RS256 token when no JWKS URL is configured', async () => {
    const key = await signingKey('RS256', 'k1');
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key.privateKey);

    const response = await request(protectedApp()).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('uses loadPrincipal on every request, and answers 401 when it finds no one', async () => {
    const known = randomUUID();
    const calls: string[] = [];
    const loadPrincipal = async (claims: { sub: string }): Promise<Principal | undefined> => {
      calls.push(claims.sub);
      return claims.sub === known ? { userId: known, roles: ['member'], claims: {} } : undefined;
    };
    const app = protectedApp({ ...baseOptions, loadPrincipal });

    const knownResponse = await request(app)
      .get('/me')
      .set('Authorization', `Bearer ${await hs256Token(validClaims(known))}`);
    const deletedResponse = await request(app)
      .get('/me')
      .set('Authorization', `Bearer ${await hs256Token(validClaims(randomUUID()))}`);

    expect(knownResponse.status).toBe(200);
    expect(knownResponse.body.principal).toEqual({ userId: known, roles: ['member'], claims: {} });
    expect(deletedResponse).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(calls).toHaveLength(2);
  });

  it('passes a failure of loadPrincipal on to the error handler (a 503 stays a 503)', async () => {
    const app = protectedApp({
      ...baseOptions,
      loadPrincipal: async () => {
        throw new ServiceUnavailableError('The database is temporarily unavailable', { retryAfterSeconds: 2 });
      },
    });

    const response = await request(app)
      .get('/me')
      .set('Authorization', `Bearer ${await hs256Token(validClaims())}`);

    expect(response).toMatchObject({ status: 503, headers: { 'retry-after': '2' } });
  });

  it('returns a named middleware', () => {
    expect(authenticate(baseOptions).name).toBe('authenticateMiddleware');
  });

  it.each([
    [
      'a short secret',
      { hs256Secret: 'too-short' },
      /"hs256Secret" must be at least 32 bytes of random data.*got a 9-byte string/,
    ],
    ['a missing secret', { hs256Secret: undefined }, /"hs256Secret" must be at least 32 bytes/],
    ['an empty issuer', { issuer: '' }, /"issuer" must be a non-empty string/],
    ['an empty audience', { audience: ' ' }, /"audience" must be a non-empty string/],
    ['a negative max age', { maxTokenAgeSeconds: -1 }, /"maxTokenAgeSeconds" must be an integer from 1 to 86400/],
    [
      'a large clock tolerance',
      { clockToleranceSeconds: 600 },
      /"clockToleranceSeconds" must be an integer from 0 to 60/,
    ],
    ['a relative JWKS URL', { jwksUrl: '/jwks.json' }, /"jwksUrl" must be an absolute http\(s\) URL/],
    ['a loadPrincipal that is not a function', { loadPrincipal: 'users' }, /"loadPrincipal" must be a function/],
  ])('refuses to start with %s, saying what to fix', (_case, override, message) => {
    expect(() => authenticate({ ...baseOptions, ...override } as unknown as AuthenticateOptions)).toThrow(message);
  });

  it('does not put the secret in its startup error', () => {
    expect(() => authenticate({ ...baseOptions, hs256Secret: 'short-but-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-but-secret') }),
    );
  });
});

describe('authenticate() with a JWKS provider', () => {
  let provider: KeyServer;
  let rsaKey: Awaited<ReturnType<typeof signingKey>>;
  let ecKey: Awaited<ReturnType<typeof signingKey>>;
  const providerIssuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test';

  beforeAll(async () => {
    rsaKey = await signingKey('RS256', 'rsa-1');
    ecKey = await signingKey('ES256', 'ec-1');
    provider = await startKeyServer([rsaKey.publicJwk, ecKey.publicJwk]);
  });

  afterAll(async () => {
    await provider.close();
  });

  const providerOptions = (): AuthenticateOptions => ({
    ...baseOptions,
    jwksUrl: provider.url,
    jwksIssuer: providerIssuer,
    jwksAudience: 'client-123',
  });

  function providerClaims(sub = randomUUID()): JWTPayload {
    const iat = nowSeconds();
    return { iss: providerIssuer, aud: 'client-123', sub, iat, exp: iat + 600 };
  }

  it.each([
    ['RS256', () => rsaKey, 'rsa-1'],
    ['ES256', () => ecKey, 'ec-1'],
  ] as const)('accepts a %s token signed by a key the provider publishes', async (alg, key, kid) => {
    const sub = randomUUID();
    const token = await new SignJWT(providerClaims(sub)).setProtectedHeader({ alg, kid }).sign(key().privateKey);

    const response = await request(protectedApp(providerOptions())).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(200);
    expect(response.body.principal.userId).toBe(sub);
  });

  it('accepts a Cognito-style access token: no aud, the expected audience as client_id', async () => {
    const { aud: _aud, ...withoutAud } = providerClaims();
    const token = await new SignJWT({ ...withoutAud, client_id: 'client-123', token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(rsaKey.privateKey);

    const response = await request(protectedApp(providerOptions())).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(200);
  });

  it.each([
    ['an aud for another client', { aud: 'client-999' }],
    ['no aud and another client_id', { aud: undefined, client_id: 'client-999' }],
    ['an aud for another client, even with the right client_id', { aud: 'client-999', client_id: 'client-123' }],
  ])('rejects a provider token with %s', async (_case, override) => {
    const token = await new SignJWT({ ...providerClaims(), ...override })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(rsaKey.privateKey);

    const response = await request(protectedApp(providerOptions())).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('still accepts the app’s own HS256 tokens', async () => {
    const response = await request(protectedApp(providerOptions()))
      .get('/me')
      .set('Authorization', `Bearer ${await hs256Token(validClaims())}`);

    expect(response.status).toBe(200);
  });

  it('rejects a provider-signed token carrying the app issuer (issuers are checked per key source)', async () => {
    const token = await new SignJWT({ ...providerClaims(), iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(rsaKey.privateKey);

    const response = await request(protectedApp(providerOptions())).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('rejects a token signed by a key the provider does not publish', async () => {
    const stranger = await signingKey('RS256', 'rsa-1');
    const token = await new SignJWT(providerClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(stranger.privateKey);

    const response = await request(protectedApp(providerOptions())).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(401);
  });

  it('answers 503 when the provider’s JWKS cannot be fetched', async () => {
    const broken = await startKeyServer([], { status: 500 });
    try {
      const token = await new SignJWT(providerClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .sign(rsaKey.privateKey);

      const response = await request(protectedApp({ ...providerOptions(), jwksUrl: broken.url }))
        .get('/me')
        .set('Authorization', `Bearer ${token}`);

      expect(response).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      await broken.close();
    }
  });
});

describe('authenticate() without requestContext()', () => {
  it('fails every request with a logged wiring error (500), with or without a valid token, and never lets one through', async () => {
    const logged: unknown[] = [];
    const app = express();
    app.get('/me', authenticate(baseOptions), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.use(errorHandler({ logger: { error: (_message, detail) => logged.push(detail), warn: () => undefined } }));
    const token = await hs256Token(validClaims());

    const withToken = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    const withoutToken = await request(app).get('/me');

    expect(withToken).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(withoutToken).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(logged).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({
          message: expect.stringMatching(/requestContext\(\) middleware must be mounted/),
        }),
      }),
      expect.objectContaining({
        error: expect.objectContaining({
          message: expect.stringMatching(/requestContext\(\) middleware must be mounted/),
        }),
      }),
    ]);
  });
});

describe('authenticate() behind an API Gateway JWT authorizer', () => {
  function lambdaApp(): LambdaHandler {
    const app = express();
    app.use(requestContext());
    app.get('/me', authenticate(baseOptions), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.use(errorHandler());
    return lambdaHandler(app);
  }
  const authorizerFor = (sub: string): unknown => ({ jwt: { claims: { sub }, scopes: null } });

  it('accepts a token whose subject the authorizer agrees with', async () => {
    const sub = randomUUID();
    const token = await hs256Token(validClaims(sub));

    const result = await lambdaApp()(
      httpApiEvent({ path: '/me', headers: { authorization: `Bearer ${token}` }, authorizer: authorizerFor(sub) }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual({ userId: sub });
  });

  it('rejects a valid token when the authorizer saw a different subject', async () => {
    const token = await hs256Token(validClaims(randomUUID()));

    const result = await lambdaApp()(
      httpApiEvent({
        path: '/me',
        headers: { authorization: `Bearer ${token}` },
        authorizer: authorizerFor('someone-else'),
      }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(401);
  });

  it('never lets authorizer claims stand in for a token', async () => {
    const result = await lambdaApp()(
      httpApiEvent({ path: '/me', authorizer: authorizerFor('admin-user') }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(401);
  });
});

describe('getAuth()', () => {
  it('returns each request’s own caller, even after awaits while other requests are authenticated', async () => {
    const app = express();
    app.use(requestContext());
    app.get('/slow-me', authenticate(baseOptions), async (req, res) => {
      for (let i = 0; i < 3; i += 1) await new Promise((resolveTick) => setImmediate(resolveTick));
      res.json({ userId: getAuth(req).userId, contextUserId: requestContextOf(req).principal?.userId });
    });
    const users = Array.from({ length: 20 }, () => randomUUID());
    const tokensByUser = await Promise.all(users.map((sub) => hs256Token(validClaims(sub))));

    const responses = await Promise.all(
      tokensByUser.map((token) => request(app).get('/slow-me').set('Authorization', `Bearer ${token}`)),
    );

    expect(responses.map((response) => response.body)).toEqual(
      users.map((userId) => ({ userId, contextUserId: userId })),
    );
  });

  it('returns the caller the request context holds, so the two never disagree', async () => {
    const app = express();
    app.use(requestContext());
    const impersonated: Principal = { userId: 'impersonated-user', roles: ['member'], claims: {} };
    app.get(
      '/as/:who',
      authenticate(baseOptions),
      (req, _res, next) => {
        const context = requestContextOf(req);
        context.principal = req.params['who'] === 'nobody' ? undefined : impersonated;
        next();
      },
      (req, res) => {
        res.json({ userId: getAuth(req).userId });
      },
    );
    app.use(errorHandler());
    const token = await hs256Token(validClaims());

    const replaced = await request(app).get('/as/someone').set('Authorization', `Bearer ${token}`);
    const cleared = await request(app).get('/as/nobody').set('Authorization', `Bearer ${token}`);

    expect([replaced.status, replaced.body]).toEqual([200, { userId: 'impersonated-user' }]);
    expect(cleared).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
  });

  it('throws UnauthorizedError when authenticate() did not run for the request', async () => {
    const response = await request(protectedApp()).get('/open');

    expect(response.body).toEqual({ principal: { error: 'UnauthorizedError' } });
  });
});

describe('requireRole()', () => {
  const tokens = createTokenIssuer({ hs256Secret: SECRET, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 600 });

  it('lets a caller with the role through', async () => {
    const { accessToken } = await tokens.issue(randomUUID(), { roles: ['admin'] });

    const response = await request(protectedApp(baseOptions, requireRole('admin')))
      .get('/me')
      .set('Authorization', `Bearer ${accessToken}`);

    expect(response.status).toBe(200);
  });

  it('answers 403 to an authenticated caller without the role', async () => {
    const { accessToken } = await tokens.issue(randomUUID(), { roles: ['member'] });

    const response = await request(protectedApp(baseOptions, requireRole('admin')))
      .get('/me')
      .set('Authorization', `Bearer ${accessToken}`);

    expect(response).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('answers 401 when mounted without authenticate()', async () => {
    const app = express();
    app.get('/admin', requireRole('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());

    const response = await request(app).get('/admin');

    expect(response.status).toBe(401);
  });

  it('refuses an empty role at startup and returns a named middleware otherwise', () => {
    expect(() => requireRole('')).toThrow(/requireRole\(\): "role" must be a non-empty string/);
    expect(requireRole('admin').name).toBe('requireRoleMiddleware');
  });
});
