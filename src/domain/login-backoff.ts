/**
 * Back-off after failed password checks: bounded delays, never a permanent lockout (which would let anyone
 * lock anyone out by guessing wrong on purpose). Two counters, both reset by a correct password:
 *
 * - **Per account and source** (the client address key the rate limiter uses): the first
 *   {@link FREE_FAILURES} failures cost nothing; after that each failure doubles the wait before that source's
 *   next check, from 1 s up to {@link MAX_DELAY_MS}. A source only ever throttles itself: the owner's correct
 *   password from another address goes through however hard a stranger guesses.
 * - **Per account, all sources** (against guessing spread over many addresses): after
 *   {@link ACCOUNT_FREE_FAILURES} consecutive failures the account is "under attack" with the same doubling
 *   back-off, during which only sources that logged in to it successfully in the last
 *   {@link KNOWN_SOURCE_MS} may try. Strangers cannot lock the owner out of the places they use.
 *
 * At the cap an attacker gets one guess per source per 15 minutes, and, once the account is under attack, one
 * per 15 minutes from all unknown sources together: about 100 a day.
 */
export const FREE_FAILURES = 5;
export const ACCOUNT_FREE_FAILURES = 20;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60 * 1_000;
/** How long a source that logged in successfully stays known to the account (and its attempt record kept). */
export const KNOWN_SOURCE_MS = 30 * 24 * 60 * 60 * 1_000;
/**
 * A check reserved this long ago and never settled was abandoned (its process died mid-check): far longer
 * than any hash, and than a request may live.
 */
export const ABANDONED_ATTEMPT_MS = 60_000;

/** How long after the last failure a source's checks stay refused, given its consecutive failures. */
export function backoffDelayMs(failures: number): number {
  return delayAfter(failures, FREE_FAILURES);
}

/** Epoch milliseconds until which a source's checks are refused, or `undefined` when they are allowed now. */
export function lockedUntil(
  state: { readonly failedLoginCount: number; readonly lastFailedLoginAt: number | undefined },
  nowMs: number,
): number | undefined {
  return until(state.lastFailedLoginAt, delayAfter(state.failedLoginCount, FREE_FAILURES), nowMs);
}

/**
 * Epoch milliseconds until which the account counts as under attack (only sources its owner uses may check
 * a password), or `undefined`.
 */
export function accountUnderAttackUntil(
  account: { readonly failedLoginCount: number; readonly lastFailedLoginAt: number | undefined },
  nowMs: number,
): number | undefined {
  return until(account.lastFailedLoginAt, delayAfter(account.failedLoginCount, ACCOUNT_FREE_FAILURES), nowMs);
}

function delayAfter(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  const doublings = Math.min(failures - freeFailures, 30);
  return Math.min(FIRST_DELAY_MS * 2 ** doublings, MAX_DELAY_MS);
}

function until(lastFailureAt: number | undefined, delayMs: number, nowMs: number): number | undefined {
  if (lastFailureAt === undefined) return undefined;
  const end = lastFailureAt + delayMs;
  return end > nowMs ? end : undefined;
}

/** The password checks of one account from one source, as stored. */
export interface PasswordAttempts {
  /** Failed checks since this source's last success, plus checks in flight: the slots in use. */
  readonly slots: number;
  /** Checks reserved and not settled yet. */
  readonly inFlight: number;
  /** Epoch ms of the last failure from this source. */
  readonly lastFailureAt: number | undefined;
  /** Epoch ms of the last reservation from this source. */
  readonly lastReservedAt: number | undefined;
  /** Epoch ms of the last success from this source. */
  readonly lastSuccessAt: number | undefined;
}

/** No attempts yet. */
export const NO_ATTEMPTS: PasswordAttempts = Object.freeze({
  slots: 0,
  inFlight: 0,
  lastFailureAt: undefined,
  lastReservedAt: undefined,
  lastSuccessAt: undefined,
});

/** Whether checks in flight are really running (rather than abandoned by a process that died). */
export function hasLiveAttemptsInFlight(attempts: PasswordAttempts, nowMs: number): boolean {
  return attempts.inFlight > 0 && (attempts.lastReservedAt ?? 0) > nowMs - ABANDONED_ATTEMPT_MS;
}

/**
 * How many slots (failures + checks in flight) this source may fill now; a check may start while fewer are
 * in use. Below {@link FREE_FAILURES}, that many; beyond, one more than the failures once the back-off has
 * passed (one check at a time), else none more.
 */
export function slotAllowance(attempts: PasswordAttempts, nowMs: number): number {
  const failures = attempts.slots - attempts.inFlight;
  if (failures < FREE_FAILURES) return FREE_FAILURES;
  return lockedUntil({ failedLoginCount: failures, lastFailedLoginAt: attempts.lastFailureAt }, nowMs) === undefined
    ? failures + 1
    : failures;
}

/**
 * What the account-wide counter says about a check from this source now: `free` (a source its owner logged
 * in from lately, or an account below the ceiling), `refused` (an unknown source while the account is under
 * attack), or `claim` (an unknown source once the account's back-off has passed: the one check of this
 * period goes to whichever unknown source claims it first, atomically).
 */
export type AccountAdmission = 'free' | 'claim' | 'refused';

export function accountAdmission(
  account: { readonly failedLoginCount: number; readonly lastFailedLoginAt: number | undefined },
  attempts: PasswordAttempts,
  nowMs: number,
): AccountAdmission {
  const knownSource = attempts.lastSuccessAt !== undefined && attempts.lastSuccessAt > nowMs - KNOWN_SOURCE_MS;
  if (knownSource || account.failedLoginCount < ACCOUNT_FREE_FAILURES) return 'free';
  return accountUnderAttackUntil(account, nowMs) === undefined ? 'claim' : 'refused';
}
