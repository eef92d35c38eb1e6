// API Gateway's JWT authorizer (which `sam local` skips): the bearer token of the identity source header is
// verified (an RSA signature against the issuer's JWKS, issuer, audience or client_id, expiry and not-before) before the
// function runs; a failure is a 401 the function never sees, and the claims of a valid token go into
// requestContext.authorizer.jwt. With injected claims (--claims) there is no token to check.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthorizerSpec } from './function-spec.mts';
import type { JwtAuthorization } from './events.mts';

export type KeySource =
  /** The issuer's OpenID configuration names its JWKS (`jwks_uri`), which is how API Gateway finds the keys. */
  | { readonly kind: 'discovery' }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'file'; readonly path: string };

// "Currently, only RSA-based algorithms are supported" (API Gateway, JWT authorizers for HTTP APIs): a token
// signed otherwise (HS256 with a guessed secret, ES256, `none`) is refused whatever keys the JWKS holds.
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/**
 * The issuer's keys found as API Gateway finds them: `<issuer>/.well-known/openid-configuration` names the
 * `jwks_uri`. Looked up at the first token, and again after a failed lookup (the issuer may start later).
 */
function discoveredKeySet(issuer: string): JWTVerifyGetKey {
  const configurationUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    // As long as jose waits for a remote JWKS (createRemoteJWKSet's default), so a silent issuer fails a request.
    const response = await fetch(configurationUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${configurationUrl} answered ${response.status}`);
    const configuration: unknown = await response.json();
    const jwksUri =
      typeof configuration === 'object' && configuration !== null && 'jwks_uri' in configuration
        ? configuration.jwks_uri
        : undefined;
    if (typeof jwksUri !== 'string') throw new Error(`${configurationUrl} names no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri));
  };
  return async (protectedHeader, token) => {
    keySet ??= discover().catch((error: unknown) => {
      keySet = undefined;
      throw error;
    });
    return (await keySet)(protectedHeader, token);
  };
}

export type AuthorizerOutcome =
  | { readonly authorized: true; readonly authorization: JwtAuthorization }
  | { readonly authorized: false; readonly reason: string; readonly wwwAuthenticate: string };

export interface JwtAuthorizer {
  readonly name: string;
  authorize(headers: ReadonlyMap<string, readonly string[]>): Promise<AuthorizerOutcome>;
}

/** Claims as API Gateway passes them: strings, with lists written `[a b]`. */
function toGatewayClaims(payload: JWTPayload): JwtAuthorization['claims'] {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object' && value !== null) claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

function scopesOf(payload: JWTPayload): string[] | undefined {
  const scope = payload['scope'] ?? payload['scp'];
  if (typeof scope === 'string' && scope.trim() !== '') return scope.trim().split(/\s+/);
  return Array.isArray(scope) ? scope.map(String) : undefined;
}

export function createJwtAuthorizer(spec: JwtAuthorizerSpec, keys: KeySource): JwtAuthorizer {
  if (spec.issuer === '')
    throw new Error(`the JWT authorizer ${spec.name} has no issuer (set the template's issuer parameter)`);
  const keySet: JWTVerifyGetKey =
    keys.kind === 'discovery'
      ? discoveredKeySet(spec.issuer)
      : keys.kind === 'url'
        ? createRemoteJWKSet(new URL(keys.url))
        : createLocalJWKSet(JSON.parse(readFileSync(keys.path, 'utf8')) as Parameters<typeof createLocalJWKSet>[0]);
  const reject = (reason: string, description?: string): AuthorizerOutcome => ({
    authorized: false,
    reason,
    wwwAuthenticate:
      description === undefined ? 'Bearer' : `Bearer scope="" error="invalid_token" error_description="${description}"`,
  });
  return {
    name: spec.name,
    async authorize(headers) {
      const value = headers.get(spec.header)?.[0]?.trim();
      if (value === undefined || value === '') return reject(`no ${spec.header} header`);
      const token = value.replace(/^Bearer\s+/i, '');
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: spec.issuer,
          algorithms: RSA_ALGORITHMS,
          clockTolerance: 0,
        });
        // API Gateway accepts a token whose `aud`, or else `client_id` (Cognito access tokens), is listed.
        const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
        const accepted =
          audiences.length > 0
            ? audiences.some((audience) => spec.audience.includes(audience))
            : clientId !== undefined && spec.audience.includes(clientId);
        if (!accepted) return reject('the token is for another audience', 'the token does not have a valid audience');
        return { authorized: true, authorization: { claims: toGatewayClaims(payload), scopes: scopesOf(payload) } };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return reject('the token has expired', 'the token has expired');
        if (error instanceof errors.JWTClaimValidationFailed)
          return reject(
            `claim ${error.claim} is invalid (${error.reason})`,
            `the token's ${error.claim} claim is invalid`,
          );
        return reject(
          `the token is invalid (${error instanceof Error ? error.message : String(error)})`,
          'the token is invalid',
        );
      }
    },
  };
}

/** An authorizer that accepts every request with fixed claims (`--claims file.json`), for testing. */
export function injectedClaimsAuthorizer(name: string, claimsFile: string): JwtAuthorizer {
  const payload = JSON.parse(readFileSync(claimsFile, 'utf8')) as JWTPayload;
  const authorization: JwtAuthorization = { claims: toGatewayClaims(payload), scopes: scopesOf(payload) };
  return { name, authorize: async () => ({ authorized: true, authorization }) };
}
