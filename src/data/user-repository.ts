import type { ListPosition } from '../domain/pagination-cursor';
import type { Role, StoredUser } from '../domain/user';

/** Fields a user update may change. Absent = unchanged. */
export interface UserChanges {
  readonly name?: string;
  /** Canonical email; moving the uniqueness item is the repository's job. */
  readonly email?: string;
  readonly role?: Role;
  readonly passwordHash?: string;
}

export interface UserPage {
  /** Newest first. */
  readonly users: readonly StoredUser[];
  /** Where the next page starts, or `undefined` when this was the last one. */
  readonly next: ListPosition | undefined;
}

/**
 * User storage. Implementations keep the email unique across users atomically, and make every change
 * conditional, so a failed call leaves the data as it was.
 */
export interface UserRepository {
  /** Stores a new user and claims its email. Throws {@link EmailTakenError}. */
  create(user: StoredUser): Promise<void>;
  findById(id: string): Promise<StoredUser | undefined>;
  /** The id of the user claiming a canonical email (a consistent read), or `undefined`. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
  /** Whether a canonical email is claimed. */
  isEmailTaken(email: string): Promise<boolean>;
  /** A page of users, newest first. Throws {@link InvalidListPositionError} for a position it did not hand out. */
  listNewestFirst(limit: number, after: ListPosition | undefined): Promise<UserPage>;
  /**
   * Applies `changes` if the stored version is still `current.version`, bumping the version, and returns
   * the stored result. Throws {@link StaleVersionError}, {@link UserNotFoundError} or {@link EmailTakenError}.
   */
  update(current: StoredUser, changes: UserChanges, updatedAt: string): Promise<StoredUser>;
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

/** The email is claimed by another user. */
export class EmailTakenError extends Error {
  constructor() {
    super('email already taken');
    this.name = 'EmailTakenError';
  }
}

/** The user changed since the caller read it. */
export class StaleVersionError extends Error {
  constructor() {
    super('the user was changed concurrently');
    this.name = 'StaleVersionError';
  }
}

export class UserNotFoundError extends Error {
  constructor() {
    super('no such user');
    this.name = 'UserNotFoundError';
  }
}

/** A listing position that this repository did not produce. */
export class InvalidListPositionError extends Error {
  constructor() {
    super('not a position in the user listing');
    this.name = 'InvalidListPositionError';
  }
}

/** The write kept colliding with concurrent transactions on the same items, even after retries. */
export class WriteContentionError extends Error {
  constructor(options?: { cause: unknown }) {
    super('write contention persisted after retries', options);
    this.name = 'WriteContentionError';
  }
}
