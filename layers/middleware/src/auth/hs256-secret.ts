/**
 * The shortest HS256 secret `authenticate()` and `createTokenIssuer()` accept, in bytes. RFC 7518 §3.2:
 * an HS256 key must be at least as long as the hash output, 256 bits.
 *
 * @example
 * ```ts
 * if (Buffer.byteLength(secret) < MIN_HS256_SECRET_BYTES) throw new Error('JWT_SECRET is too short');
 * ```
 */
export const MIN_HS256_SECRET_BYTES = 32;

/**
 * Validates an HS256 secret and returns it as key bytes. A short or missing secret throws at startup: a
 * guessable key lets anyone mint tokens, so refusing to start is the only safe answer.
 */
export function hs256Key(factory: string, secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    // Never echo the value: even a too-short secret may be a real one typed into the wrong variable.
    const got = typeof secret === 'string' ? `a ${Buffer.byteLength(secret, 'utf8')}-byte string` : typeof secret;
    throw new TypeError(
      `${factory}: "hs256Secret" must be at least ${MIN_HS256_SECRET_BYTES} bytes of random data ` +
        `(generate one with: openssl rand -base64 48), got ${got}`,
    );
  }
  return new TextEncoder().encode(secret);
}

/** The `typ` header of access tokens this package issues (RFC 9068), so no other HS256 token passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
