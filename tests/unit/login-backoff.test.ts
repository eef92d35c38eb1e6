import { backoffDelayMs, lockedUntil, MAX_DELAY_MS } from '../../src/domain/login-backoff';

describe('backoffDelayMs', () => {
  it('allows five failures without delay, then doubles from one second', () => {
    expect([0, 1, 4, 5, 6, 7, 8].map(backoffDelayMs)).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000]);
  });

  it('never exceeds fifteen minutes, however many failures', () => {
    expect(MAX_DELAY_MS).toBe(900_000);
    expect([15, 16, 100, 10_000].map(backoffDelayMs)).toEqual([MAX_DELAY_MS, MAX_DELAY_MS, MAX_DELAY_MS, MAX_DELAY_MS]);
  });
});

describe('lockedUntil', () => {
  const now = 1_700_000_000_000;

  it('is undefined for an account without failures', () => {
    expect(lockedUntil({ failedLoginCount: 0, lastFailedLoginAt: undefined }, now)).toBeUndefined();
  });

  it('is undefined below the threshold even right after a failure', () => {
    expect(lockedUntil({ failedLoginCount: 4, lastFailedLoginAt: now }, now)).toBeUndefined();
  });

  it('locks until the back-off after the last failure has passed', () => {
    const state = { failedLoginCount: 7, lastFailedLoginAt: now - 1_000 };
    expect(lockedUntil(state, now)).toBe(now + 3_000);
    expect(lockedUntil(state, now + 2_999)).toBe(now + 3_000);
    expect(lockedUntil(state, now + 3_000)).toBeUndefined();
  });

  it('unlocks a heavily attacked account after at most fifteen minutes', () => {
    const state = { failedLoginCount: 1_000, lastFailedLoginAt: now };
    expect(lockedUntil(state, now + MAX_DELAY_MS - 1)).toBe(now + MAX_DELAY_MS);
    expect(lockedUntil(state, now + MAX_DELAY_MS)).toBeUndefined();
  });
});
