/** Length limits, in Unicode code points (what a person counts as characters, emoji included). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Why a candidate password is unacceptable, or `undefined` when it is fine.
 *
 * "Invalid UTF-8" cannot be seen after JSON parsing: body-parser decodes the bytes with a replacing
 * decoder, so every invalid sequence becomes U+FFFD, and a JSON `\ud800` escape becomes a lone surrogate,
 * which no UTF-8 can encode. So both are rejected: a password containing U+FFFD or an unpaired surrogate
 * could not have been typed as valid UTF-8 (and one hashed with a U+FFFD would silently accept any other
 * invalid byte in its place).
 */
export function passwordPolicyViolation(password: string): string | undefined {
  if (!password.isWellFormed() || password.includes('\uFFFD')) {
    return 'must be valid UTF-8 text';
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`;
  }
  return undefined;
}
