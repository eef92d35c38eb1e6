/**
 * Per-account back-off after failed password checks: a bounded delay, never a permanent lockout (which
 * would let anyone lock anyone out by guessing wrong on purpose).
 *
 * The first {@link FREE_FAILURES} failures cost nothing; after that each failure doubles the wait before
 * the next attempt is even checked, from 1 s up to {@link MAX_DELAY_MS}. A success resets the count.
 * At the cap an attacker gets one guess per account per 15 minutes, about 100 a day.
 */
export const FREE_FAILURES = 5;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60 * 1_000;

/** How long after the last failure the account stays locked, given the number of consecutive failures. */
export function backoffDelayMs(failedLoginCount: number): number {
  if (failedLoginCount < FREE_FAILURES) return 0;
  const doublings = Math.min(failedLoginCount - FREE_FAILURES, 30);
  return Math.min(FIRST_DELAY_MS * 2 ** doublings, MAX_DELAY_MS);
}

/** Epoch milliseconds until which password checks are refused, or `undefined` when they are allowed now. */
export function lockedUntil(
  state: { readonly failedLoginCount: number; readonly lastFailedLoginAt: number | undefined },
  nowMs: number,
): number | undefined {
  if (state.lastFailedLoginAt === undefined) return undefined;
  const until = state.lastFailedLoginAt + backoffDelayMs(state.failedLoginCount);
  return until > nowMs ? until : undefined;
}
