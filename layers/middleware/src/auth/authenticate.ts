import type { Request, RequestHandler } from 'express';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWSAlgorithm,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { getLambdaInvoke } from '../context/lambda-invoke';
import { requestContextOf, type Principal } from '../context/request-context';
import { BadRequestError, ServiceUnavailableError, UnauthorizedError } from '../errors/http-errors';
import {
  assertFunction,
  assertIntegerInRange,
  assertNonEmptyString,
  assertOptionsObject,
  invalidOption,
  type OptionKeys,
} from '../options/assert-options';
import { ACCESS_TOKEN_TYPE, hs256Key } from './hs256-secret';

/**
 * The claims of a token that passed verification: `sub`, `iat` and `exp` are always present.
 *
 * @example
 * ```ts
 * const loadPrincipal = async (claims: VerifiedClaims) => users.findPrincipal(claims.sub);
 * ```
 */
export interface VerifiedClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly iss?: string;
  readonly aud?: string | string[];
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/**
 * Options of {@link authenticate}.
 *
 * @example
 * ```ts
 * const options: AuthenticateOptions = {
 *   hs256Secret,
 *   issuer: 'lambdalith',
 *   audience: 'lambdalith-api',
 *   maxTokenAgeSeconds: 3600,
 * };
 * ```
 */
export interface AuthenticateOptions {
  /** Secret of the app-issued HS256 tokens; at least 32 bytes of random data, or `authenticate()` throws. */
  readonly hs256Secret: string;
  /** Expected `iss` of every token. */
  readonly issuer: string;
  /** Expected `aud` of every token. */
  readonly audience: string;
  /**
   * Optional second key source: the JWKS URL of an OIDC provider (Cognito, say), from configuration only.
   * Its tokens must be RS256 or ES256. A token never chooses where its key comes from.
   */
  readonly jwksUrl?: string;
  /** Expected `iss` of the JWKS provider's tokens. Default: {@link AuthenticateOptions.issuer}. */
  readonly jwksIssuer?: string;
  /**
   * Expected audience of the JWKS provider's tokens: their `aud`, or, for tokens without `aud` (Cognito
   * access tokens), their `client_id`, as API Gateway's JWT authorizer accepts them.
   * Default: {@link AuthenticateOptions.audience}.
   */
  readonly jwksAudience?: string;
  /** Oldest accepted token, by its `iat`, in seconds. Default 3600. */
  readonly maxTokenAgeSeconds?: number;
  /** Allowed clock skew for `exp`, `iat` and `nbf`, in seconds. Default 5, at most 60. */
  readonly clockToleranceSeconds?: number;
  /**
   * Loads the caller on every request (role changes and deleted users take effect at once, not at token
   * expiry). Return `undefined` to reject the token with 401. Default: the principal is read from the
   * claims (`sub`, and `roles` when it is an array of strings).
   */
  readonly loadPrincipal?: (claims: VerifiedClaims, req: Request) => Promise<Principal | undefined>;
}

const APP_ALGORITHMS: JWSAlgorithm[] = ['HS256'];
const PROVIDER_ALGORITHMS: JWSAlgorithm[] = ['RS256', 'ES256'];
// Header parameters that ask the verifier to take a key from somewhere the token chooses. Nothing here
// ever honours them, and a token that carries one is not one of ours or a well-behaved provider's.
const KEY_POINTING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
// Far above any real token; the cap stops a huge header from costing a base64 decode and a MAC.
const MAX_TOKEN_LENGTH = 8_192;
// OpenID Connect Core §2: `sub` is at most 255 ASCII characters. A longer one, even validly signed, is no
// subject of ours, and must not reach a store whose keys have limits of their own (DynamoDB: 2 KB).
const MAX_SUBJECT_LENGTH = 255;

const AUTHENTICATE_OPTIONS: OptionKeys<AuthenticateOptions> = {
  hs256Secret: true,
  issuer: true,
  audience: true,
  jwksUrl: true,
  jwksIssuer: true,
  jwksAudience: true,
  maxTokenAgeSeconds: true,
  clockToleranceSeconds: true,
  loadPrincipal: true,
};

/**
 * Verifies `Authorization: Bearer <jwt>` and makes the caller available through `getAuth(req)` and the
 * request context. Algorithms are pinned per key source (HS256 for app tokens, RS256/ES256 for the optional
 * JWKS provider); `exp`, `iat` and `sub` are required; issuer, audience and maximum age are checked with a
 * small clock tolerance. The token is read from the `Authorization` header only. Behind an API Gateway JWT
 * authorizer, the authorizer's `sub` must agree, but it never replaces verification. A missing or invalid
 * token is a 401 problem with `WWW-Authenticate: Bearer`; authenticated responses get `Cache-Control: no-store`.
 * The caller is kept in the request context, so mount `requestContext()` first; without it every request fails
 * with a wiring error (500).
 *
 * @example
 * ```ts
 * const requireUser = authenticate({
 *   hs256Secret: secrets.jwtSecret,
 *   issuer: config.auth.issuer,
 *   audience: config.auth.audience,
 *   loadPrincipal: async (claims) => users.findPrincipal(claims.sub),
 * });
 * router.get('/users/me', requireUser, getMe);
 * ```
 */
export function authenticate(options: AuthenticateOptions): RequestHandler {
  const factory = 'authenticate()';
  assertOptionsObject(factory, options, AUTHENTICATE_OPTIONS);
  const appKey = hs256Key(factory, options.hs256Secret);
  assertNonEmptyString(factory, 'issuer', options.issuer);
  assertNonEmptyString(factory, 'audience', options.audience);
  const maxTokenAgeSeconds = options.maxTokenAgeSeconds ?? 3_600;
  assertIntegerInRange(factory, 'maxTokenAgeSeconds', maxTokenAgeSeconds, 1, 86_400);
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  assertIntegerInRange(factory, 'clockToleranceSeconds', clockToleranceSeconds, 0, 60);
  if (options.loadPrincipal !== undefined) assertFunction(factory, 'loadPrincipal', options.loadPrincipal);
  const loadPrincipal = options.loadPrincipal ?? principalFromClaims;

  const shared = {
    clockTolerance: clockToleranceSeconds,
    maxTokenAge: maxTokenAgeSeconds,
    requiredClaims: ['exp', 'iat', 'sub'],
  };
  const appVerification: JWTVerifyOptions = {
    ...shared,
    algorithms: APP_ALGORITHMS,
    issuer: options.issuer,
    audience: options.audience,
    typ: ACCESS_TOKEN_TYPE,
  };
  const provider = options.jwksUrl === undefined ? undefined : jwksProvider(factory, options, shared);

  return async function authenticateMiddleware(req, res, next) {
    try {
      // The request context is the one place the caller is kept (getAuth(), logs and metrics read it there).
      // Looked up first, so a stack without requestContext() fails on every request, not only on valid tokens.
      const context = requestContextOf(req);
      const token = bearerToken(req);
      const claims = await verify(token, appKey, appVerification, provider);
      assertAuthorizerAgrees(claims);
      const principal = await loadPrincipal(claims, req);
      if (principal === undefined) throw invalidToken('The access token is no longer valid');
      context.principal = principal;
      // A response computed for one caller must never be served from a shared cache to another.
      res.setHeader('Cache-Control', 'no-store');
      next();
    } catch (error) {
      next(error);
    }
  };
}

interface JwksProvider {
  readonly getKey: JWTVerifyGetKey;
  readonly verification: JWTVerifyOptions;
  readonly audience: string;
}

function jwksProvider(factory: string, options: AuthenticateOptions, shared: JWTVerifyOptions): JwksProvider {
  let url: URL;
  try {
    url = new URL(String(options.jwksUrl));
  } catch {
    return invalidOption(factory, 'jwksUrl', 'an absolute http(s) URL', options.jwksUrl);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    invalidOption(factory, 'jwksUrl', 'an absolute http(s) URL', options.jwksUrl);
  const issuer = options.jwksIssuer ?? options.issuer;
  const audience = options.jwksAudience ?? options.audience;
  assertNonEmptyString(factory, 'jwksIssuer', issuer);
  assertNonEmptyString(factory, 'jwksAudience', audience);

  const remoteKeys = createRemoteJWKSet(url, {
    timeoutDuration: 2_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remoteKeys(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys)
        throw error;
      // The provider did not answer (or answered garbage): our problem, not the caller's.
      throw new ServiceUnavailableError('The identity provider is unavailable', { cause: error, retryAfterSeconds: 5 });
    }
  };
  // The audience is checked after verification (see providerAudienceMatches), not by jose, because
  // Cognito access tokens carry it as `client_id`.
  return { getKey, verification: { ...shared, algorithms: PROVIDER_ALGORITHMS, issuer }, audience };
}

function bearerToken(req: Request): string {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw new UnauthorizedError('Authentication required');
  // Two Authorization headers: node:http keeps the first and drops the rest (only rawHeaders has both);
  // API Gateway, Function URLs and serverless-express join them with commas, which no bearer token contains.
  // Which one a proxy or cache in front would have used is unknowable, so neither is.
  if (header.includes(',') || authorizationHeaderCount(req) > 1) {
    throw new BadRequestError('Send exactly one Authorization header', {
      code: 'MULTIPLE_AUTHORIZATION_HEADERS',
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"' },
    });
  }
  const token = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header)?.[1] : undefined;
  if (token === undefined) throw invalidToken('Send the access token as "Authorization: Bearer <token>"');
  return token;
}

function authorizationHeaderCount(req: Request): number {
  let count = 0;
  const raw = Array.isArray(req.rawHeaders) ? req.rawHeaders : [];
  for (let index = 0; index < raw.length; index += 2) if (raw[index]?.toLowerCase() === 'authorization') count += 1;
  return count;
}

async function verify(
  token: string,
  appKey: Uint8Array,
  appVerification: JWTVerifyOptions,
  provider: JwksProvider | undefined,
): Promise<VerifiedClaims> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw invalidToken(undefined, error);
  }
  if (KEY_POINTING_HEADERS.some((name) => header[name] !== undefined)) {
    throw invalidToken(
      undefined,
      new Error(`token header carries a key reference (${KEY_POINTING_HEADERS.join(', ')})`),
    );
  }
  try {
    // The key source follows from the pinned algorithm lists, never from anything else in the token.
    if (
      provider !== undefined &&
      typeof header.alg === 'string' &&
      PROVIDER_ALGORITHMS.includes(header.alg as JWSAlgorithm)
    ) {
      const { payload } = await jwtVerify(token, provider.getKey, provider.verification);
      if (!providerAudienceMatches(payload, provider.audience))
        throw invalidToken(undefined, new Error('audience mismatch'));
      if (!isAccessToken(payload)) throw invalidToken(undefined, new Error('not an access token (token_use)'));
      return asVerifiedClaims(payload);
    }
    const { payload } = await jwtVerify(token, appKey, appVerification);
    return asVerifiedClaims(payload);
  } catch (error) {
    if (error instanceof ServiceUnavailableError || error instanceof UnauthorizedError) throw error;
    if (error instanceof joseErrors.JWTExpired) {
      throw new UnauthorizedError('The access token has expired', {
        code: 'TOKEN_EXPIRED',
        cause: error,
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
      });
    }
    throw invalidToken(undefined, error);
  }
}

// `aud` when the token has one (a string or a list); otherwise `client_id`, which is where Cognito access
// tokens name their audience. Never both ways for one token: an `aud` that does not match is final.
function providerAudienceMatches(payload: JWTPayload, audience: string): boolean {
  if (payload.aud !== undefined)
    return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
  return payload['client_id'] === audience;
}

// Cognito signs ID tokens and access tokens with the same keys, and an ID token's `aud` is the app client
// id, the very audience configured for access tokens: only `token_use` (always set by Cognito: `id` or
// `access`) tells them apart. A token that says what it is must say `access`.
function isAccessToken(payload: JWTPayload): boolean {
  const tokenUse = payload['token_use'];
  return tokenUse === undefined || tokenUse === 'access';
}

function asVerifiedClaims(payload: JWTPayload): VerifiedClaims {
  const { sub, iat, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof iat !== 'number' || typeof exp !== 'number') {
    throw invalidToken(undefined, new Error('sub, iat or exp has the wrong type'));
  }
  if (sub.length > MAX_SUBJECT_LENGTH)
    throw invalidToken(undefined, new Error(`sub is longer than ${MAX_SUBJECT_LENGTH} characters`));
  return { ...payload, sub, iat, exp };
}

// An API Gateway JWT (or Cognito) authorizer has already verified the token; if its view of the caller
// differs from ours, something is misconfigured or forged, so refuse. Only a real Lambda invocation
// (captured by withLambdaInvoke) is consulted: headers of a local request are never an authorizer.
function assertAuthorizerAgrees(claims: VerifiedClaims): void {
  const authorizer = getLambdaInvoke()?.event.requestContext?.authorizer;
  if (typeof authorizer !== 'object' || authorizer === null) return;
  const record = authorizer as { jwt?: { claims?: Record<string, unknown> }; claims?: Record<string, unknown> };
  const authorizerSub = record.jwt?.claims?.['sub'] ?? record.claims?.['sub'];
  if (authorizerSub !== undefined && authorizerSub !== claims.sub) {
    throw invalidToken(undefined, new Error('the API Gateway authorizer saw a different subject'));
  }
}

async function principalFromClaims(claims: VerifiedClaims): Promise<Principal> {
  const roles = Array.isArray(claims['roles'])
    ? claims['roles'].filter((role): role is string => typeof role === 'string')
    : [];
  return { userId: claims.sub, roles, claims };
}

function invalidToken(message = 'The access token is invalid', cause?: unknown): UnauthorizedError {
  return new UnauthorizedError(message, {
    code: 'INVALID_TOKEN',
    cause,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}
