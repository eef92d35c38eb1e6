import { isTokenCurrent } from '../../src/domain/user';

describe('isTokenCurrent', () => {
  const revoked = { tokenGeneration: 3, tokensRevokedAt: 1_900_000_000 };

  it('accepts an app token of the current generation, whatever its iat, and refuses one of an earlier generation', () => {
    expect(isTokenCurrent(revoked, { generation: 3, issuedAt: revoked.tokensRevokedAt })).toBe(true);
    expect(isTokenCurrent(revoked, { generation: 2, issuedAt: revoked.tokensRevokedAt + 10 })).toBe(false);
  });

  it('judges a token without a generation by iat, refusing one issued in the same second as the revocation', () => {
    expect(isTokenCurrent(revoked, { generation: undefined, issuedAt: revoked.tokensRevokedAt })).toBe(false);
    expect(isTokenCurrent(revoked, { generation: undefined, issuedAt: revoked.tokensRevokedAt + 1 })).toBe(true);
    expect(
      isTokenCurrent({ tokenGeneration: 0, tokensRevokedAt: undefined }, { generation: undefined, issuedAt: 1 }),
    ).toBe(true);
  });
});
