import type { PasswordAttempts } from './login-backoff';
import type { ListPosition } from './pagination-cursor';
import type { Role, StoredUser } from './user';

/** Fields a user update may change. Absent = unchanged. */
export interface UserChanges {
  readonly name?: string;
  /** Canonical email; moving the uniqueness item is the repository's job. */
  readonly email?: string;
  readonly role?: Role;
  readonly passwordHash?: string;
  /** Revokes the user's tokens, as of these epoch seconds: bumps `tokenGeneration`, sets `tokensRevokedAt`. */
  readonly revokeTokensAt?: number;
}

export interface UserPage {
  /** Newest first. */
  readonly users: readonly StoredUser[];
  /** Where the next page starts, or `undefined` when this was the last one. */
  readonly next: ListPosition | undefined;
  /** Ids of the records on this page that are not valid users (left out of `users`, see MalformedUserRecordError). */
  readonly malformed: readonly string[];
}

/**
 * User storage: a port the domain owns and `src/data/` implements. Implementations keep the email unique
 * across users atomically, never let the last admin go (demoted or deleted: `LastAdminError`, decided in
 * the same atomic write, so two admins demoting each other at once cannot both succeed), and make every
 * change conditional, so a failed call leaves the data as it was. They throw the errors of `./errors.ts`.
 */
export interface UserRepository {
  /** Stores a new user and claims its email. Throws `EmailTakenError`. */
  create(user: StoredUser): Promise<void>;
  /** The user, or `undefined`. Throws `MalformedUserRecordError` when the stored record is not a user's. */
  findById(id: string): Promise<StoredUser | undefined>;
  /** The id of the user claiming a canonical email (a consistent read), or `undefined`. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
  /** Whether a canonical email is claimed. */
  isEmailTaken(email: string): Promise<boolean>;
  /** A page of users, newest first. Throws `InvalidListPositionError` for a position it did not hand out. */
  listNewestFirst(limit: number, after: ListPosition | undefined): Promise<UserPage>;
  /**
   * Applies `changes` if the stored version is still `current.version`, bumping the version, and returns
   * the stored result. Throws `StaleVersionError`, `UserNotFoundError`, `EmailTakenError` or `LastAdminError`, and
   * `WriteContentionError` when concurrent transactions keep winning.
   */
  update(current: StoredUser, changes: UserChanges, updatedAt: string): Promise<StoredUser>;
  /**
   * Revokes every token issued to the user so far (a logout), as of these epoch seconds: bumps
   * `tokenGeneration` atomically. Resolves `false` when there is no such user.
   */
  revokeTokens(id: string, atSeconds: number): Promise<boolean>;
  /**
   * Removes the user and its email claim, malformed records included (deleting is how one is repaired).
   * Resolves `false` when there was no such user. Throws `LastAdminError`.
   */
  delete(id: string): Promise<boolean>;
  /*
   * Password checks of one account from one source (an opaque client key). Each method takes `userId`
   * `undefined` for "nobody": it then makes the same calls against items that exist nowhere, with conditions
   * that fail and write nothing, so that refusing an unknown email or a locked account costs what a real
   * check costs.
   */
  /** A consistent read of the attempts; {@link NO_ATTEMPTS} when there are none. */
  findPasswordAttempts(userId: string | undefined, source: string): Promise<PasswordAttempts>;
  /**
   * Reserves a check (one more slot in use, one more in flight) if fewer than `allowance` slots are in use,
   * atomically. Resolves `false` when not.
   */
  reservePasswordAttempt(userId: string | undefined, source: string, allowance: number, atMs: number): Promise<boolean>;
  /** Settles a reserved check as failed: its slot stays in use as a failure; the account-wide count goes up. */
  recordPasswordFailure(userId: string | undefined, source: string, atMs: number): Promise<void>;
  /**
   * Settles a reserved check as correct: frees its slot and this source's failures (checks still in flight
   * keep theirs), marks the source as one the owner uses, and resets the account-wide count.
   */
  recordPasswordSuccess(userId: string, source: string, atMs: number): Promise<void>;
  /** Replaces the password hash with one of today's parameters, if it is still `from` (never a newer password). */
  replacePasswordHash(userId: string, rehash: { readonly from: string; readonly to: string }): Promise<void>;
  /**
   * Claims the one check that unknown sources share per back-off period while the account is under attack:
   * succeeds if the account's last failure is still `seenLastFailureAt` and no check was claimed since (or
   * the claim was abandoned), atomically. Resolves `false` when another check got it.
   */
  claimAccountWideCheck(userId: string, seenLastFailureAt: number, atMs: number): Promise<boolean>;
  /**
   * Counts checks that were reserved and never settled (their process died) as failures, if nothing was
   * reserved since `lastReservedAt`.
   */
  releaseAbandonedAttempts(userId: string, source: string, lastReservedAt: number): Promise<void>;
}
