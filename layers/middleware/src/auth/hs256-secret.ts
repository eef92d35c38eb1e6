import { invalidOption } from '../options/assert-options';

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
export const MIN_HS256_SECRET_BYTES = 32;

/**
 * Validates an HS256 secret and returns it as key bytes. A short or missing secret throws at startup: a
 * guessable key lets anyone mint tokens, so refusing to start is the only safe answer.
 */
export function hs256Key(factory: string, secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    invalidOption(
      factory,
      'hs256Secret',
      `at least ${MIN_HS256_SECRET_BYTES} bytes of random data (generate one with: openssl rand -base64 48)`,
      typeof secret === 'string' ? `a ${Buffer.byteLength(secret, 'utf8')}-byte string` : secret,
    );
  }
  return new TextEncoder().encode(secret);
}

/** The `typ` header of access tokens this package issues (RFC 9068), so no other HS256 token passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
