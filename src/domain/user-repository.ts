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
}

/**
 * User storage: a port the domain owns and `src/data/` implements. Implementations keep the email unique
 * across users atomically, and make every change conditional, so a failed call leaves the data as it was.
 * They throw the errors of `./errors.ts`.
 */
export interface UserRepository {
  /** Stores a new user and claims its email. Throws `EmailTakenError`. */
  create(user: StoredUser): Promise<void>;
  findById(id: string): Promise<StoredUser | undefined>;
  /** The id of the user claiming a canonical email (a consistent read), or `undefined`. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
  /** Whether a canonical email is claimed. */
  isEmailTaken(email: string): Promise<boolean>;
  /** A page of users, newest first. Throws `InvalidListPositionError` for a position it did not hand out. */
  listNewestFirst(limit: number, after: ListPosition | undefined): Promise<UserPage>;
  /**
   * Applies `changes` if the stored version is still `current.version`, bumping the version, and returns
   * the stored result. Throws `StaleVersionError`, `UserNotFoundError` or `EmailTakenError`, and
   * `WriteContentionError` when concurrent transactions keep winning.
   */
  update(current: StoredUser, changes: UserChanges, updatedAt: string): Promise<StoredUser>;
  /**
   * Revokes every token issued to the user so far (a logout), as of these epoch seconds: bumps
   * `tokenGeneration` atomically. Resolves `false` when there is no such user.
   */
  revokeTokens(id: string, atSeconds: number): Promise<boolean>;
  /** Removes the user and its email claim. Resolves `false` when there was no such user. */
  delete(id: string): Promise<boolean>;
  /**
   * Counts a password check in advance (it becomes a failure unless {@link clearPasswordFailures} follows),
   * if the failure count is still `seenCount`. Resolves `false` when another attempt got there first.
   */
  claimPasswordAttempt(id: string, seenCount: number, atMs: number): Promise<boolean>;
  /** After a correct password: resets the failure count, and replaces the hash when `rehash` says so. */
  clearPasswordFailures(id: string, rehash: { readonly from: string; readonly to: string } | undefined): Promise<void>;
}
