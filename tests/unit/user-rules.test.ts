import { canonicalEmail, emailViolation, nameViolation, publicUser } from '../../src/domain/user';

describe('canonicalEmail', () => {
  it('trims and lowercases', () => {
    expect(canonicalEmail('  Alice.Smith@Example.COM \n')).toBe('alice.smith@example.com');
  });
});

describe('emailViolation', () => {
  it.each(['a@b.co', ' Mixed@Case.Example '])('accepts %j', (email) => {
    expect(emailViolation(email)).toBeUndefined();
  });

  it.each(['no-at-sign', 'two@@example.com', 'space in@example.com', 'a@nodot', `${'a'.repeat(250)}@example.com`])(
    'rejects %j',
    (email) => {
      expect(emailViolation(email)).toEqual(expect.any(String));
    },
  );
});

describe('nameViolation', () => {
  it.each(['Ada', '  Ada Lovelace  ', 'Zoë 🚀', 'x'.repeat(100)])('accepts %j', (name) => {
    expect(nameViolation(name)).toBeUndefined();
  });

  it.each([
    ['empty after trimming', '   ', 'must be 1 to 100 characters long'],
    ['too long', 'x'.repeat(101), 'must be 1 to 100 characters long'],
    ['a control character', 'Ada\u0007', 'must not contain control characters'],
    ['a lone surrogate', 'Ada\ud800', 'must be valid UTF-8 text'],
  ])('rejects a name with %s', (_label, name, message) => {
    expect(nameViolation(name)).toBe(message);
  });
});

describe('publicUser', () => {
  it('keeps the public fields and drops password material and back-off state', () => {
    const stored = {
      id: 'u1',
      email: 'a@b.co',
      name: 'A',
      role: 'user' as const,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      version: 3,
      passwordHash: 'scrypt$…',
      failedLoginCount: 2,
      lastFailedLoginAt: 5,
    };
    expect(publicUser(stored)).toEqual({
      id: 'u1',
      email: 'a@b.co',
      name: 'A',
      role: 'user',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      version: 3,
    });
  });
});
