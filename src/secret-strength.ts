/**
 * Checks on a plain-text JWT_SECRET that reaches a Lambda function (`sam local`'s way of passing one).
 * Outside `sam local` the secret belongs in Secrets Manager; a plain value there is tolerated only when it
 * is neither the one committed for `sam local` nor guessable.
 */

/**
 * The JWT_SECRET committed in `sam-local-env.json` for `sam local start-api`: public, so worthless as a key.
 * (tests/unit/hardening-lambda-secrets.test.ts checks that this is still the file's value.)
 */
export const SAM_LOCAL_JWT_SECRET = 'sam-local-only-signing-secret-never-deploy-this-0123456789';

/** An HS256 key needs 256 bits of entropy (RFC 7518 §3.2), not merely 32 bytes of text. */
export const MIN_SECRET_ENTROPY_BYTES = 32;

/**
 * An estimate of the entropy in `value`, in bytes: its length times the Shannon entropy of its characters
 * (with the Miller–Madow correction for a short sample). Repeated words and small alphabets score low
 * (`test-secret-test-secret-…`: ~16 bytes); 48 random bytes in base64 score ~45. Short samples are
 * underestimated, so 32 random bytes (~31) fall just short: generate 48.
 */
export function estimatedEntropyBytes(value: string): number {
  const characters = [...value];
  if (characters.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const probability = count / characters.length;
    bitsPerCharacter -= probability * Math.log2(probability);
  }
  bitsPerCharacter += (counts.size - 1) / (2 * characters.length * Math.LN2);
  return (characters.length * bitsPerCharacter) / 8;
}
