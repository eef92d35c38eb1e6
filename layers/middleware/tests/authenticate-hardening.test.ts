import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { SignJWT, type JWTPayload } from 'jose';
import request from 'supertest';
import { authenticate, errorHandler, getAuth, requestContext, type AuthenticateOptions } from '@lambdalith/middleware';
import { signingKey, startKeyServer, type KeyServer } from './helpers/key-server';

const SECRET = 'a-test-secret-of-more-than-32-bytes-0123456789';
const COGNITO_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test';
const CLIENT_ID = 'client-123';

let provider: KeyServer;
let rsaKey: Awaited<ReturnType<typeof signingKey>>;

beforeAll(async () => {
  rsaKey = await signingKey('RS256', 'rsa-1');
  provider = await startKeyServer([rsaKey.publicJwk]);
});

afterAll(async () => {
  await provider.close();
});

function appWithCognito(): Express {
  const options: AuthenticateOptions = {
    hs256Secret: SECRET,
    issuer: 'lambdalith',
    audience: 'lambdalith-api',
    jwksUrl: provider.url,
    jwksIssuer: COGNITO_ISSUER,
    jwksAudience: CLIENT_ID,
  };
  const app = express();
  app.use(requestContext());
  app.get('/me', authenticate(options), (req, res) => {
    res.json({ userId: getAuth(req).userId });
  });
  app.use(errorHandler());
  return app;
}

function cognitoToken(claims: JWTPayload): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: COGNITO_ISSUER, sub: randomUUID(), iat, exp: iat + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .sign(rsaKey.privateKey);
}

describe('authenticate() with Cognito as the JWKS provider', () => {
  it('rejects a Cognito ID token (token_use "id"), although its aud is the app client id, with 401', async () => {
    // Arrange: what Cognito puts in an ID token
    const token = await cognitoToken({ aud: CLIENT_ID, token_use: 'id', email: 'ada@example.com' });

    // Act
    const response = await request(appWithCognito()).get('/me').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
  });

  it.each([
    ['an unknown token_use', { client_id: CLIENT_ID, token_use: 'refresh' }],
    ['a token_use that is not a string', { client_id: CLIENT_ID, token_use: ['access'] }],
  ])('rejects a token with %s', async (_label, claims) => {
    // Arrange
    const token = await cognitoToken(claims);

    // Act
    const response = await request(appWithCognito()).get('/me').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
  });

  it('accepts a Cognito access token (token_use "access", the app client id as client_id)', async () => {
    // Arrange
    const token = await cognitoToken({ client_id: CLIENT_ID, token_use: 'access' });

    // Act
    const response = await request(appWithCognito()).get('/me').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
  });
});
