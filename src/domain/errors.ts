/**
 * The domain's errors: plain `Error`s with a stable, machine-readable `code` and no HTTP status. Which status
 * (and which message) a client sees is decided in one place, at the HTTP edge: `src/routes/problem-map.ts`.
 * Their messages are for logs and for hosts that are not HTTP (create-admin prints them).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** One input field and what is wrong with it. */
export interface FieldViolation {
  readonly field: string;
  readonly message: string;
}

/** The input breaks a rule of the domain; `violations` says which, per field. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly violations: readonly FieldViolation[]) {
    super('The request is invalid');
    this.name = 'ValidationError';
  }
}

/**
 * A login was refused: unknown email, wrong password or locked account alike, so that nothing tells an
 * attacker which emails exist or which accounts are being throttled.
 */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('Invalid email or password');
    this.name = 'InvalidCredentialsError';
  }
}

/** The actor may not do this (a `user` acting as an admin). */
export class NotPermittedError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'NotPermittedError';
  }
}

/** No such user, or one the actor may not see (the two are deliberately indistinguishable). */
export class UserNotFoundError extends DomainError {
  readonly code = 'USER_NOT_FOUND';
  constructor() {
    super('User not found');
    this.name = 'UserNotFoundError';
  }
}

/**
 * The change would leave no admin (demoting or deleting the last one): nobody could grant the role again
 * except through create-admin on the table itself.
 */
export class LastAdminError extends DomainError {
  readonly code = 'LAST_ADMIN';
  constructor() {
    super('the last admin cannot be demoted or deleted');
    this.name = 'LastAdminError';
  }
}

/** The email is claimed by another user. */
export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    super('This email is already registered');
    this.name = 'EmailTakenError';
  }
}

/** A change did not say which version of the user it was based on. */
export class VersionRequiredError extends DomainError {
  readonly code = 'VERSION_REQUIRED';
  constructor() {
    super('a change must name the version it is based on');
    this.name = 'VersionRequiredError';
  }
}

/** A change asked to apply to any version at all; optimistic locking needs the version the caller saw. */
export class UnconditionalChangeError extends DomainError {
  readonly code = 'UNCONDITIONAL_CHANGE';
  constructor() {
    super('a change must name the version it is based on, not "any version"');
    this.name = 'UnconditionalChangeError';
  }
}

/** The user changed since the caller read it. */
export class StaleVersionError extends DomainError {
  readonly code = 'STALE_VERSION';
  constructor() {
    super('the user was changed concurrently');
    this.name = 'StaleVersionError';
  }
}

/** A listing position that the repository did not hand out. */
export class InvalidListPositionError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('not a position in the user listing');
    this.name = 'InvalidListPositionError';
  }
}

/** The write kept colliding with concurrent transactions on the same items, even after retries. */
export class WriteContentionError extends DomainError {
  readonly code = 'WRITE_CONTENTION';
  constructor(options?: { cause: unknown }) {
    super('write contention persisted after retries', options);
    this.name = 'WriteContentionError';
  }
}

/** Why the store cannot serve requests right now: it does not answer, or its table is not ready. */
export type StoreUnavailability = 'unreachable' | 'not-ready';

/** The store cannot serve requests right now (the readiness probe's answer). */
export class StoreNotReadyError extends DomainError {
  readonly code = 'STORE_NOT_READY';
  constructor(
    readonly reason: StoreUnavailability,
    options?: { cause: unknown },
  ) {
    super(reason === 'unreachable' ? 'the store does not answer' : 'the store is not ready', options);
    this.name = 'StoreNotReadyError';
  }
}

/**
 * create-admin was asked to create an admin with an email that an account already holds. Promoting it would
 * hand admin to whoever registered the email first, with their password: only an explicit
 * `--promote-existing` does that.
 */
export class ExistingAccountError extends DomainError {
  readonly code = 'ACCOUNT_EXISTS';
  constructor(
    readonly account: {
      readonly id: string;
      readonly email: string;
      readonly createdAt: string;
    },
  ) {
    super(`an account with the email ${account.email} already exists (id ${account.id}, created ${account.createdAt})`);
    this.name = 'ExistingAccountError';
  }
}

/**
 * A stored user record that does not have the shape of a user (written by an older version, or by hand). It is
 * a problem for that record alone: listings skip it (and report it), reading it is this error, deleting it works.
 */
export class MalformedUserRecordError extends DomainError {
  readonly code = 'USER_RECORD_MALFORMED';
  constructor(readonly userId: string) {
    super(`the stored record of user ${userId} is malformed`);
    this.name = 'MalformedUserRecordError';
  }
}
