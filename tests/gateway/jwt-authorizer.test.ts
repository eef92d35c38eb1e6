import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { TEST_TABLE_NAME, testDynamoDbEndpoint } from '../helpers/test-environment';
import { envVarsFile, removeDir, send, startGateways, type GatewayProcess, type RawResponse } from './helpers';

/**
 * The template's optional Cognito JWT authorizer, run by the local gateway (SAM local skips it): with the
 * issuer and audience parameters and a JWKS file, a protected route needs a valid bearer token; with --claims,
 * fixed claims are injected without one. The function is the echo stand-in, so the test sees the event.
 */

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Local';
const AUDIENCE = 'local-client-id';
const ECHO_FUNCTION = join(__dirname, 'fixtures/echo-function');

let dir: string;
let verifying: GatewayProcess;
let injecting: GatewayProcess;
let signingKey: CryptoKey;
let otherKey: CryptoKey;

const KEY_ID = 'test-key-1';

async function token(
  claims: JWTPayload,
  options: { key?: CryptoKey; expiresIn?: string | number; issuer?: string } = {},
): Promise<string> {
  return new SignJWT({ token_use: 'access', client_id: AUDIENCE, scope: 'openid profile', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
    .setIssuer(options.issuer ?? ISSUER)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? signingKey);
}

const eventOf = (response: RawResponse): Record<string, unknown> & { requestContext: Record<string, unknown> } =>
  (
    JSON.parse(response.body.toString('utf8')) as {
      event: Record<string, unknown> & { requestContext: Record<string, unknown> };
    }
  ).event;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambdalith-gateway-jwt-'));
  const marker = join(dir, 'layer/nodejs/node_modules/echo-layer-marker');
  mkdirSync(marker, { recursive: true });
  writeFileSync(
    join(marker, 'package.json'),
    JSON.stringify({ name: 'echo-layer-marker', version: '1.0.0', main: 'index.js' }),
  );
  writeFileSync(join(marker, 'index.js'), 'module.exports = { fromLayer: true };\n');
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  writeFileSync(
    join(dir, 'jwks.json'),
    JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }] }),
  );
  writeFileSync(
    join(dir, 'claims.json'),
    JSON.stringify({ sub: 'injected-user', 'cognito:groups': ['admins'], scope: 'openid' }),
  );
  const common = [
    '--function-dir',
    ECHO_FUNCTION,
    '--layer-dir',
    join(dir, 'layer'),
    '--env-vars',
    envVarsFile(dir, { DYNAMODB_ENDPOINT: testDynamoDbEndpoint(), TABLE_NAME: TEST_TABLE_NAME }),
    '--parameter-overrides',
    `EmailFrom=no-reply@example.com JwtAuthorizerIssuer=${ISSUER} JwtAuthorizerAudience=${AUDIENCE}`,
  ];
  [verifying, injecting] = await startGateways([
    [...common, '--jwks-file', join(dir, 'jwks.json')],
    [...common, '--claims', join(dir, 'claims.json')],
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([verifying?.stop(), injecting?.stop()]);
  removeDir(dir);
});

describe('the JWT authorizer in the local gateway', () => {
  it('lets a valid token through and puts its claims and scopes in requestContext.authorizer.jwt', async () => {
    const response = await send(verifying.url, {
      method: 'GET',
      path: '/users/me',
      headers: { authorization: `Bearer ${await token({ sub: 'user-1' })}` },
    });

    expect(response.status).toBe(200);
    expect(eventOf(response).requestContext['authorizer']).toEqual({
      jwt: {
        claims: expect.objectContaining({
          sub: 'user-1',
          iss: ISSUER,
          client_id: AUDIENCE,
          exp: expect.stringMatching(/^\d+$/),
        }),
        scopes: ['openid', 'profile'],
      },
    });
  });

  it.each([
    ['no token', async (): Promise<Record<string, string>> => ({})],
    [
      'an expired token',
      async () => ({ authorization: `Bearer ${await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}` }),
    ],
    [
      'a token from another issuer',
      async () => ({ authorization: `Bearer ${await token({}, { issuer: 'https://issuer.example.com' })}` }),
    ],
    [
      'a token for another audience',
      async () => ({ authorization: `Bearer ${await token({ client_id: 'someone-else' })}` }),
    ],
    [
      'a token signed with another key',
      async () => ({ authorization: `Bearer ${await token({}, { key: otherKey })}` }),
    ],
    ['a malformed token', async () => ({ authorization: 'Bearer not.a.jwt' })],
  ])('answers 401 {"message":"Unauthorized"} to %s, before the function runs', async (_name, headers) => {
    const response = await send(verifying.url, { method: 'GET', path: '/users/me', headers: await headers() });

    expect(response).toMatchObject({
      status: 401,
      headers: { 'content-type': ['application/json'], 'www-authenticate': [expect.stringMatching(/^Bearer/)] },
    });
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ message: 'Unauthorized' });
    await expect(
      verifying.waitForOutput(/401 GET \/users\/me: the JWT authorizer CognitoJwt refused the request/),
    ).resolves.toEqual(expect.any(String));
  });

  it('leaves /health and CORS preflights open, as the template does', async () => {
    const [health, preflight] = await Promise.all([
      send(verifying.url, { method: 'GET', path: '/health' }),
      send(verifying.url, { method: 'OPTIONS', path: '/users/me' }),
    ]);

    expect([health.status, preflight.status]).toEqual([200, 200]);
    expect(eventOf(health).requestContext).not.toHaveProperty('authorizer');
  });

  it('injects the claims of --claims without a token', async () => {
    const response = await send(injecting.url, { method: 'GET', path: '/users/me' });

    expect(response.status).toBe(200);
    expect(eventOf(response).requestContext['authorizer']).toEqual({
      jwt: { claims: { sub: 'injected-user', 'cognito:groups': '[admins]', scope: 'openid' }, scopes: ['openid'] },
    });
  });
});
