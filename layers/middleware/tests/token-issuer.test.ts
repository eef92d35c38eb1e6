import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenIssuer, type TokenIssuerOptions } from '@lambdalith/middleware';

const options: TokenIssuerOptions = {
  hs256Secret: 'a-test-secret-of-more-than-32-bytes-0123456789',
  issuer: 'lambdalith',
  audience: 'lambdalith-api',
  ttlSeconds: 900,
};

describe('createTokenIssuer()', () => {
  it('issues an HS256 at+jwt with iss, aud, sub, iat, exp = iat + ttl and a jti, plus the given claims', async () => {
    const before = Math.floor(Date.now() / 1000);

    const issued = await createTokenIssuer(options).issue('user-1', { roles: ['admin'] });

    expect(issued.expiresIn).toBe(900);
    expect(decodeProtectedHeader(issued.accessToken)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const claims = decodeJwt(issued.accessToken);
    expect(claims).toEqual({
      iss: 'lambdalith',
      aud: 'lambdalith-api',
      sub: 'user-1',
      iat: expect.any(Number),
      exp: (claims.iat ?? 0) + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      roles: ['admin'],
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
  });

  it('gives every token its own jti', async () => {
    const issuer = createTokenIssuer(options);

    const [first, second] = await Promise.all([issuer.issue('user-1'), issuer.issue('user-1')]);

    expect(decodeJwt(first.accessToken).jti).not.toBe(decodeJwt(second.accessToken).jti);
  });

  it('refuses claims that would override the registered ones', async () => {
    await expect(createTokenIssuer(options).issue('user-1', { exp: 9_999_999_999, sub: 'admin' })).rejects.toThrow(
      /claims may not set exp, sub; the issuer sets them/,
    );
  });

  it('refuses an empty subject', async () => {
    await expect(createTokenIssuer(options).issue('')).rejects.toThrow(/"subject" must be a non-empty string/);
  });

  it.each([
    ['a short secret', { hs256Secret: 'short' }, /"hs256Secret" must be at least 32 bytes/],
    ['a lifetime over an hour', { ttlSeconds: 7_200 }, /"ttlSeconds" must be an integer from 1 to 3600/],
    ['a fractional lifetime', { ttlSeconds: 1.5 }, /"ttlSeconds" must be an integer from 1 to 3600/],
    ['no issuer', { issuer: '' }, /"issuer" must be a non-empty string/],
  ])('refuses to start with %s', (_case, override, message) => {
    expect(() => createTokenIssuer({ ...options, ...override })).toThrow(message);
  });
});
