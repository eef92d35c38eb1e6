import { CURRENT_SCRYPT_PARAMETERS, PasswordHasher } from '../../src/domain/password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores a self-describing scrypt string with OWASP parameters, a random salt and a 32-byte key', async () => {
    // Act
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');

    // Assert
    expect(CURRENT_SCRYPT_PARAMETERS).toEqual({ log2N: 17, r: 8, p: 1 });
    expect(first).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
  });

  it('accepts the right password and rejects a wrong one', async () => {
    // Arrange
    const stored = await hasher.hash('correct horse battery staple');

    // Act
    const right = await hasher.verify('correct horse battery staple', stored);
    const wrong = await hasher.verify('correct horse battery stapler', stored);

    // Assert
    expect(right).toEqual({ matches: true, needsRehash: false });
    expect(wrong).toEqual({ matches: false, needsRehash: false });
  });

  it('treats canonically equivalent spellings of a password as the same password', async () => {
    // Arrange: "é" precomposed (U+00E9) and decomposed (e + U+0301)
    const stored = await hasher.hash('caf\u00e9 au lait, s\u2019il vous pla\u00eet');

    // Act
    const check = await hasher.verify('cafe\u0301 au lait, s\u2019il vous pla\u00eet', stored);

    // Assert
    expect(check.matches).toBe(true);
  });

  it('verifies a hash made with older parameters and asks for a rehash', async () => {
    // Arrange
    const weaker = new PasswordHasher({ log2N: 14, r: 8, p: 1 });
    const stored = await weaker.hash('an old password from 2019');

    // Act
    const check = await hasher.verify('an old password from 2019', stored);
    const wrong = await hasher.verify('not the old password', stored);

    // Assert
    expect(stored.startsWith('scrypt$14$8$1$')).toBe(true);
    expect(check).toEqual({ matches: true, needsRehash: true });
    expect(wrong).toEqual({ matches: false, needsRehash: false });
  });

  it.each([
    ['an empty string', ''],
    ['another algorithm', '$2b$12$abcdefghijklmnopqrstuv'],
    ['a truncated key', 'scrypt$17$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    ['absurd parameters', `scrypt$30$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
  ])('rejects (rather than throws on) a malformed stored hash: %s', async (_label, stored) => {
    // Act
    const check = await hasher.verify('whatever password', stored);

    // Assert
    expect(check).toEqual({ matches: false, needsRehash: false });
  });
});
