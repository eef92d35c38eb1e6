import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { TEST_TABLE_NAME, testDynamoDbEndpoint } from '../helpers/test-environment';
import {
  envVarsFile,
  removeDir,
  send,
  startGateways,
  writeEchoLayer,
  type GatewayProcess,
  type RawResponse,
} from './helpers';

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
let discovering: GatewayProcess;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let ellipticKey: CryptoKey;
/** A stand-in OpenID issuer on loopback: its configuration names its JWKS, as Cognito's does. */
let issuer: Server;
let issuerUrl: string;
const issuerRequests: string[] = [];

const KEY_ID = 'test-key-1';
const ELLIPTIC_KEY_ID = 'test-key-ec';

async function token(
  claims: JWTPayload,
  options: { key?: CryptoKey; expiresIn?: string | number; issuer?: string; alg?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT({ token_use: 'access', client_id: AUDIENCE, scope: 'openid profile', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? KEY_ID })
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
  const layerDir = writeEchoLayer(dir);
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  const elliptic = await generateKeyPair('ES256');
  ellipticKey = elliptic.privateKey;
  // The JWKS also holds an EC key: API Gateway verifies RSA signatures only, so ES256 tokens fail even so.
  const jwks = {
    keys: [
      { ...(await exportJWK(pair.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(elliptic.publicKey)), kid: ELLIPTIC_KEY_ID, alg: 'ES256', use: 'sig' },
    ],
  };
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));
  issuer = createServer((request, response) => {
    issuerRequests.push(request.url ?? '');
    const documents: Record<string, object> = {
      '/pool/.well-known/openid-configuration': { issuer: `${issuerUrl}`, jwks_uri: `${issuerUrl}/keys.json` },
      '/pool/keys.json': jwks,
    };
    const document = documents[request.url ?? ''];
    response.writeHead(document === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(document ?? {}));
  });
  await new Promise<void>((resolveListen) => issuer.listen(0, '127.0.0.1', resolveListen));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}/pool`;
  writeFileSync(
    join(dir, 'claims.json'),
    JSON.stringify({ sub: 'injected-user', 'cognito:groups': ['admins'], scope: 'openid' }),
  );
  const common = [
    '--function-dir',
    ECHO_FUNCTION,
    '--layer-dir',
    layerDir,
    '--env-vars',
    envVarsFile(dir, { DYNAMODB_ENDPOINT: testDynamoDbEndpoint(), TABLE_NAME: TEST_TABLE_NAME }),
  ];
  const authorizerFor = (issuerName: string): string[] => [
    '--parameter-overrides',
    `EmailFrom=no-reply@example.com JwtAuthorizerIssuer=${issuerName} JwtAuthorizerAudience=${AUDIENCE}`,
  ];
  [verifying, injecting, discovering] = await startGateways([
    [...common, ...authorizerFor(ISSUER), '--jwks-file', join(dir, 'jwks.json')],
    [...common, ...authorizerFor(ISSUER), '--claims', join(dir, 'claims.json')],
    [...common, ...authorizerFor(issuerUrl)],
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([verifying?.stop(), injecting?.stop(), discovering?.stop()]);
  await new Promise((resolveClose) => issuer?.close(resolveClose));
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
    [
      'a token signed with ES256 by a key of the JWKS (API Gateway verifies RSA signatures only)',
      async () => ({
        authorization: `Bearer ${await token({}, { key: ellipticKey, alg: 'ES256', kid: ELLIPTIC_KEY_ID })}`,
      }),
    ],
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

  it("finds the issuer's keys through its OpenID configuration when no JWKS is given, as API Gateway does", async () => {
    const response = await send(discovering.url, {
      method: 'GET',
      path: '/users/me',
      headers: { authorization: `Bearer ${await token({ sub: 'user-2' }, { issuer: issuerUrl })}` },
    });

    expect(response.status).toBe(200);
    expect(eventOf(response).requestContext['authorizer']).toMatchObject({ jwt: { claims: { sub: 'user-2' } } });
    expect(issuerRequests).toEqual(['/pool/.well-known/openid-configuration', '/pool/keys.json']);
  });

  it('injects the claims of --claims without a token', async () => {
    const response = await send(injecting.url, { method: 'GET', path: '/users/me' });

    expect(response.status).toBe(200);
    expect(eventOf(response).requestContext['authorizer']).toEqual({
      jwt: { claims: { sub: 'injected-user', 'cognito:groups': '[admins]', scope: 'openid' }, scopes: ['openid'] },
    });
  });
});
