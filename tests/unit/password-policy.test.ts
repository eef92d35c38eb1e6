import { passwordPolicyViolation } from '../../src/domain/password-policy';

describe('passwordPolicyViolation', () => {
  it.each([
    ['12 characters', 'a'.repeat(12)],
    ['256 characters', 'a'.repeat(256)],
    ['12 emoji (24 UTF-16 units, 12 characters)', '\u{1F600}'.repeat(12)],
    ['256 emoji', '\u{1F600}'.repeat(256)],
    ['spaces and accents', 'un mot de passe très long'],
  ])('accepts %s', (_label, password) => {
    expect(passwordPolicyViolation(password)).toBeUndefined();
  });

  it.each([
    ['11 characters', 'a'.repeat(11)],
    ['257 characters', 'a'.repeat(257)],
    ['257 emoji', '\u{1F600}'.repeat(257)],
    ['6 emoji (12 UTF-16 units)', '\u{1F600}'.repeat(6)],
  ])('rejects %s as the wrong length', (_label, password) => {
    expect(passwordPolicyViolation(password)).toBe('must be 12 to 256 characters long');
  });

  it.each([
    ['a lone high surrogate', 'valid-prefix-\ud800-suffix'],
    ['a lone low surrogate', '\udc00valid-password-text'],
    ['U+FFFD, what a decoder makes of invalid bytes', 'password\uFFFDwith-replacement'],
  ])('rejects %s as invalid UTF-8', (_label, password) => {
    expect(passwordPolicyViolation(password)).toBe('must be valid UTF-8 text');
  });
});
