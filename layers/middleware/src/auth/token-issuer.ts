import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  assertIntegerInRange,
  assertNonEmptyString,
  assertOptionsObject,
  type OptionKeys,
} from '../options/assert-options';
import { ACCESS_TOKEN_TYPE, hs256Key } from './hs256-secret';

/**
 * Options of {@link createTokenIssuer}.
 *
 * @example
 * ```ts
 * const options: TokenIssuerOptions = {
 *   hs256Secret,
 *   issuer: 'lambdalith',
 *   audience: 'lambdalith-api',
 *   ttlSeconds: 3600,
 * };
 * ```
 */
export interface TokenIssuerOptions {
  /** The same secret `authenticate()` verifies with; at least 32 bytes of random data. */
  readonly hs256Secret: string;
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime of each token, 1–3600 seconds. */
  readonly ttlSeconds: number;
}

/**
 * An access token and its lifetime in seconds (the OAuth `expires_in`).
 *
 * @example
 * ```ts
 * const { accessToken, expiresIn }: IssuedToken = await tokens.issue(user.id);
 * res.json({ accessToken, tokenType: 'Bearer', expiresIn });
 * ```
 */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/**
 * Issues app access tokens; see {@link createTokenIssuer}.
 *
 * @example
 * ```ts
 * class UserService {
 *   constructor(private readonly tokens: TokenIssuer) {}
 * }
 * ```
 */
export interface TokenIssuer {
  issue(subject: string, claims?: Readonly<Record<string, unknown>>): Promise<IssuedToken>;
}

// The issuer owns these: a caller-supplied `exp` or `sub` would let a bug mint a token it did not mean to.
const RESERVED_CLAIMS = new Set(['iss', 'aud', 'sub', 'iat', 'exp', 'nbf', 'jti']);

const TOKEN_ISSUER_OPTIONS: OptionKeys<TokenIssuerOptions> = {
  hs256Secret: true,
  issuer: true,
  audience: true,
  ttlSeconds: true,
};

/**
 * Creates the issuer of the app's access tokens: HS256, `typ: at+jwt`, with `iss`, `aud`, `sub`, `iat`,
 * `exp` and a unique `jti`. What it issues is exactly what `authenticate()` with the same secret, issuer and
 * audience accepts.
 *
 * @example
 * ```ts
 * const tokens = createTokenIssuer({ hs256Secret, issuer: 'api', audience: 'api-clients', ttlSeconds: 3600 });
 * const { accessToken, expiresIn } = await tokens.issue(user.id, { roles: user.roles });
 * ```
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const factory = 'createTokenIssuer()';
  assertOptionsObject(factory, options, TOKEN_ISSUER_OPTIONS);
  const key = hs256Key(factory, options.hs256Secret);
  const { issuer, audience, ttlSeconds } = options;
  assertNonEmptyString(factory, 'issuer', issuer);
  assertNonEmptyString(factory, 'audience', audience);
  assertIntegerInRange(factory, 'ttlSeconds', ttlSeconds, 1, 3_600);

  return {
    async issue(subject, claims = {}) {
      assertNonEmptyString('TokenIssuer.issue()', 'subject', subject);
      const reserved = Object.keys(claims).filter((name) => RESERVED_CLAIMS.has(name));
      if (reserved.length > 0) {
        throw new TypeError(`TokenIssuer.issue(): claims may not set ${reserved.join(', ')}; the issuer sets them`);
      }
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(key);
      return { accessToken, expiresIn: ttlSeconds };
    },
  };
}
