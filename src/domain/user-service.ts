import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import {
  EmailTakenError,
  ExistingAccountError,
  InvalidCredentialsError,
  NotPermittedError,
  StaleVersionError,
  UnconditionalChangeError,
  UserNotFoundError,
  ValidationError,
  VersionRequiredError,
  type FieldViolation,
} from './errors';
import { accountAdmission, hasLiveAttemptsInFlight, slotAllowance } from './login-backoff';
import type { PaginationCursorCodec } from './pagination-cursor';
import type { PasswordHasher } from './password-hasher';
import { passwordPolicyViolation } from './password-policy';
import {
  canonicalEmail,
  emailViolation,
  isTokenCurrent,
  nameViolation,
  publicUser,
  type Actor,
  type Role,
  type StoredUser,
  type TokenIssue,
  type User,
} from './user';
import type { UserChanges, UserRepository } from './user-repository';
import { welcomeEmail, type EmailSender } from './welcome-email';
import { WorkQueue } from './work-queue';

/** Issues access tokens; `createTokenIssuer()` of @lambdalith/middleware is one. */
export interface AccessTokenIssuer {
  issue(
    subject: string,
    claims: { readonly gen: number },
  ): Promise<{ readonly accessToken: string; readonly expiresIn: number }>;
}

/**
 * Which version of a user a change is based on (optimistic locking): none named, "any version", or the
 * versions the caller may have seen (empty when it named none of ours, which then matches nothing). The
 * routes read it from `If-Match`.
 */
export type VersionPrecondition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'any' }
  | { readonly kind: 'versions'; readonly versions: readonly number[] };

export interface UserUpdate {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly password?: string | undefined;
  readonly currentPassword?: string | undefined;
  readonly role?: Role | undefined;
}

export interface UserServiceOptions {
  readonly repository: UserRepository;
  readonly hasher: PasswordHasher;
  readonly tokens: AccessTokenIssuer;
  readonly cursors: PaginationCursorCodec;
  readonly emails: EmailSender;
  /** Told about every welcome email that could not be sent (to log and count it); registration goes on. */
  readonly onWelcomeEmailFailed: (error: unknown, userId: string) => void;
  /** Told about every malformed user record a listing left out (to log it). Default: nothing. */
  readonly onMalformedUserRecord?: (userId: string) => void;
  readonly now?: () => number;
  readonly newId?: () => string;
  /** Registrations hashing at once, per process. Default: the number of CPU cores. */
  readonly registrationConcurrency?: number;
  /** How a password check waits for a free slot; tests pass their own. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) that jitters those waits. Default: `Math.random`. */
  readonly random?: () => number;
}

// A password check that finds no free slot while this source's own checks are in flight waits for them:
// pauses doubling from 50 ms to 500 ms, jittered, at most 8 s in all (a hash takes ~0.5 s; Lambda's
// timeout is 10 s). Rounds are bounded too, for checks that keep losing the race for a freed slot.
const FIRST_RESERVATION_PAUSE_MS = 50;
const MAX_RESERVATION_PAUSE_MS = 500;
const MAX_RESERVATION_WAIT_MS = 8_000;
const MAX_RESERVATION_ROUNDS = 40;

/** The listing a user-listing cursor is bound to. */
export const USER_LISTING = 'users';

/** Page sizes of the user listing. */
export const USER_PAGE_DEFAULT_SIZE = 20;
export const USER_PAGE_MAX_SIZE = 100;

/**
 * The users and auth rules: registration, login with back-off, visibility (self or admin), updates under
 * optimistic locking, deletion, listing. Throws the errors of `./errors.ts` (and the repository's); knows
 * nothing of HTTP.
 */
export class UserService {
  private readonly repository: UserRepository;
  private readonly hasher: PasswordHasher;
  private readonly tokens: AccessTokenIssuer;
  private readonly cursors: PaginationCursorCodec;
  private readonly emails: EmailSender;
  private readonly onWelcomeEmailFailed: (error: unknown, userId: string) => void;
  private readonly onMalformedUserRecord: (userId: string) => void;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly registrations: WorkQueue;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: UserServiceOptions) {
    this.repository = options.repository;
    this.hasher = options.hasher;
    this.tokens = options.tokens;
    this.cursors = options.cursors;
    this.emails = options.emails;
    this.onWelcomeEmailFailed = options.onWelcomeEmailFailed;
    this.onMalformedUserRecord = options.onMalformedUserRecord ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    // One registration hashing per core: a hash is ~0.5 s of one core and 128 MiB, so more at once only
    // adds memory and latency. Waiting registrations check the email again when their turn comes, so a
    // burst of duplicates costs a couple of hashes and a quick EmailTakenError each, not one hash per request.
    this.registrations = new WorkQueue(Math.max(1, options.registrationConcurrency ?? availableParallelism()));
  }

  /** Creates a `user`, claims its email atomically ({@link EmailTakenError}) and sends a welcome email. */
  async register(input: { readonly email: string; readonly password: string; readonly name: string }): Promise<User> {
    const user = await this.createUser(input, 'user');
    await this.sendWelcomeEmail(user);
    return publicUser(user);
  }

  /**
   * Checks the password and issues a token. `source` is the client's address key (opaque here): failures
   * are counted per account and source, so a stranger's guesses never lock the owner out of their own
   * address. Every refusal is the same {@link InvalidCredentialsError}, whatever its reason, after the same
   * work: three consistent reads, three conditional writes and one hash, whether the email is unknown, the
   * password wrong or the account locked (only a source's own concurrent checks differ: they wait and read
   * again).
   */
  async login(input: {
    readonly email: string;
    readonly password: string;
    readonly source: string;
  }): Promise<{ accessToken: string; expiresIn: number }> {
    const user = await this.findByEmail(canonicalEmail(input.email));
    if (user === undefined) {
      await this.refuseLikeAPasswordCheck(input.password, input.source);
      throw new InvalidCredentialsError();
    }
    if (!(await this.checkPassword(user, input.password, input.source))) throw new InvalidCredentialsError();
    // The generation read before the check: a password change meanwhile makes this token void at once.
    return this.tokens.issue(user.id, { gen: user.tokenGeneration });
  }

  /**
   * Who a verified token's subject is right now: `undefined` when the user no longer exists, or the token
   * was issued before a revocation (a password, email or role change, a logout). Reads the user once, as
   * every authenticated request does anyway.
   */
  async actorFor(userId: string, token: TokenIssue): Promise<Actor | undefined> {
    const user = await this.repository.findById(userId);
    if (user === undefined || !isTokenCurrent(user, token)) return undefined;
    return { userId: user.id, role: user.role };
  }

  /** Revokes every token issued to the caller so far, the one of this request included. */
  async logout(actor: Actor): Promise<void> {
    if (!(await this.repository.revokeTokens(actor.userId, this.nowSeconds()))) throw new UserNotFoundError();
  }

  async getUser(actor: Actor, id: string): Promise<User> {
    return publicUser(await this.findVisible(actor, id));
  }

  /**
   * Newest first, admins only. The cursor is opaque, and only valid for the caller it was issued to: throws
   * `InvalidCursorError` or `InvalidListPositionError` for a cursor that is not a live one of this caller's.
   */
  async listUsers(
    actor: Actor,
    page: { readonly limit: number; readonly cursor: string | undefined },
  ): Promise<{ users: User[]; nextCursor: string | null }> {
    if (!isAdmin(actor)) throw new NotPermittedError('You do not have permission to do this');
    const binding = { listing: USER_LISTING, callerId: actor.userId };
    const after = page.cursor === undefined ? undefined : this.cursors.decode(page.cursor, binding);
    const result = await this.repository.listNewestFirst(page.limit, after);
    // One bad record must not take the whole listing down: it is left out, and reported.
    for (const userId of result.malformed) this.onMalformedUserRecord(userId);
    return {
      users: result.users.map(publicUser),
      nextCursor: result.next === undefined ? null : this.cursors.encode(result.next, binding),
    };
  }

  /**
   * Changes a user. The caller must be the user or an admin; only an admin may set `role`. Requires the
   * version the caller last saw (`If-Match`), and the user's current password to change email or password,
   * checked as a login from `source` checks it.
   */
  async updateUser(
    actor: Actor,
    id: string,
    precondition: VersionPrecondition,
    update: UserUpdate,
    source: string,
  ): Promise<User> {
    if (actor.userId !== id && !isAdmin(actor)) throw new UserNotFoundError();
    if (update.role !== undefined && !isAdmin(actor)) throw new NotPermittedError('Only an admin may change a role');
    if (
      update.name === undefined &&
      update.email === undefined &&
      update.password === undefined &&
      update.role === undefined
    ) {
      throw new ValidationError([
        { field: 'body', message: 'must change at least one of name, email, password, role' },
      ]);
    }
    assertValid({ name: update.name, email: update.email, password: update.password });
    if (precondition.kind === 'absent') throw new VersionRequiredError();
    if (precondition.kind === 'any') throw new UnconditionalChangeError();

    const current = await this.repository.findById(id);
    if (current === undefined) throw new UserNotFoundError();
    if (!precondition.versions.includes(current.version)) throw new StaleVersionError();

    const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
    if (update.name !== undefined && update.name.trim() !== current.name) changes.name = update.name.trim();
    if (update.role !== undefined && update.role !== current.role) changes.role = update.role;
    const newEmail = update.email === undefined ? undefined : canonicalEmail(update.email);
    if (newEmail !== undefined && newEmail !== current.email) changes.email = newEmail;
    if (changes.email !== undefined || update.password !== undefined) {
      // Re-authentication: a stolen token alone must not be enough to take the account over.
      if (update.currentPassword === undefined) {
        throw new ValidationError([{ field: 'currentPassword', message: 'is required to change email or password' }]);
      }
      // The same slots, back-off and refusal work as a login: re-authentication is no cheaper way to guess.
      if (!(await this.checkPassword(current, update.currentPassword, source))) {
        throw new ValidationError([{ field: 'currentPassword', message: 'is incorrect' }]);
      }
    }
    // Only after the password is proven: before, this would tell a token thief which emails are registered.
    // A cheap check before hashing the new password; the transaction decides.
    if (changes.email !== undefined && (await this.repository.isEmailTaken(changes.email))) throw new EmailTakenError();
    if (update.password !== undefined) changes.passwordHash = await this.hasher.hash(update.password);
    if (Object.keys(changes).length === 0) return publicUser(current);
    // Whoever held a token for the old credentials or role must not keep acting on it.
    if (changes.email !== undefined || changes.passwordHash !== undefined || changes.role !== undefined) {
      changes.revokeTokensAt = this.nowSeconds();
    }

    return publicUser(await this.repository.update(current, changes, new Date(this.now()).toISOString()));
  }

  async deleteUser(actor: Actor, id: string): Promise<void> {
    if (actor.userId !== id && !isAdmin(actor)) throw new UserNotFoundError();
    if (!(await this.repository.delete(id))) throw new UserNotFoundError();
  }

  /**
   * For `npm run create-admin`: creates an admin with this email and password. An account that already holds
   * the email is never elevated by default ({@link ExistingAccountError}): whoever registered it first chose
   * its password, not the operator. With `promoteExisting` the operator says that account is theirs: it
   * becomes admin (its password unchanged, its tokens revoked), and the outcome names it.
   */
  async createOrPromoteAdmin(input: {
    readonly email: string;
    readonly password: string | undefined;
    readonly name: string | undefined;
    readonly promoteExisting?: boolean | undefined;
  }): Promise<{ outcome: 'created' | 'promoted' | 'unchanged'; user: User }> {
    assertValid({ email: input.email });
    const existing = await this.findByEmail(canonicalEmail(input.email));
    if (existing !== undefined) {
      if (input.promoteExisting !== true) throw new ExistingAccountError(publicUser(existing));
      if (existing.role === 'admin') return { outcome: 'unchanged', user: publicUser(existing) };
      const promoted = await this.repository.update(
        existing,
        { role: 'admin', revokeTokensAt: this.nowSeconds() },
        new Date(this.now()).toISOString(),
      );
      return { outcome: 'promoted', user: publicUser(promoted) };
    }
    if (input.password === undefined) {
      throw new ValidationError([{ field: 'password', message: 'is required to create a new admin' }]);
    }
    const user = await this.createUser(
      { email: input.email, password: input.password, name: input.name ?? 'Administrator' },
      'admin',
    );
    return { outcome: 'created', user: publicUser(user) };
  }

  private async createUser(input: { email: string; password: string; name: string }, role: Role): Promise<StoredUser> {
    assertValid(input);
    const email = canonicalEmail(input.email);
    // Cheap check first: a hash costs ~128 MiB and hundreds of milliseconds. Then again when it is this
    // registration's turn (the ones ahead of it may have claimed the email); the transaction decides.
    if (await this.repository.isEmailTaken(email)) throw new EmailTakenError();
    return this.registrations.run(async () => {
      if (await this.repository.isEmailTaken(email)) throw new EmailTakenError();
      const passwordHash = await this.hasher.hash(input.password);
      const now = new Date(this.now()).toISOString();
      const created: StoredUser = {
        id: this.newId(),
        email,
        name: input.name.trim(),
        role,
        createdAt: now,
        updatedAt: now,
        version: 1,
        passwordHash,
        failedLoginCount: 0,
        lastFailedLoginAt: undefined,
        tokenGeneration: 0,
        tokensRevokedAt: undefined,
      };
      await this.repository.create(created);
      return created;
    });
  }

  /**
   * The user holding a canonical email. Always two consistent reads, the second on an id that exists
   * nowhere when the email is not claimed: an unknown email costs what a known one does.
   */
  private async findByEmail(email: string): Promise<StoredUser | undefined> {
    const claimedBy = await this.repository.findUserIdByEmail(email);
    const user = await this.repository.findById(claimedBy ?? randomUUID());
    // Both items are written and removed together, so a claim without its user is only seen mid-delete.
    return user?.email === email ? user : undefined;
  }

  /**
   * Checks a password under the back-off of `login-backoff.ts`, counted per account and source. A check first
   * reserves a slot (atomically, "fewer in use than allowed"); a failure keeps its slot, a success frees it
   * and this source's failures. While this source's own checks are in flight and no slot is free, it waits
   * for them (briefly, bounded), so concurrent correct logins get through as earlier ones finish, and
   * concurrent wrong guesses find the allowance spent. Every refusal costs one hash, real or burnt.
   */
  private async checkPassword(user: StoredUser, password: string, source: string): Promise<boolean> {
    if (!(await this.reserveCheck(user, source))) {
      // Locked (for this source, or the account for unknown sources): the work of a failed check, no real one.
      await this.hasher.burnEquivalentTime(password);
      await this.repository.recordPasswordFailure(undefined, source, this.now());
      return false;
    }
    const check = await this.hasher.verify(password, user.passwordHash);
    if (!check.matches) {
      await this.repository.recordPasswordFailure(user.id, source, this.now());
      return false;
    }
    // The slot first: a rehash costs a whole hash, and concurrent logins are waiting for slots.
    await this.repository.recordPasswordSuccess(user.id, source, this.now());
    if (check.needsRehash)
      await this.repository.replacePasswordHash(user.id, {
        from: user.passwordHash,
        to: await this.hasher.hash(password),
      });
    return true;
  }

  /** Reserves a check slot; resolves `false` when none is free now (after the same reads and one write). */
  private async reserveCheck(user: StoredUser, source: string): Promise<boolean> {
    let waitedMs = 0;
    for (let round = 0; round < MAX_RESERVATION_ROUNDS; round += 1) {
      const now = this.now();
      const attempts = await this.repository.findPasswordAttempts(user.id, source);
      if (attempts.inFlight > 0 && !hasLiveAttemptsInFlight(attempts, now)) {
        await this.repository.releaseAbandonedAttempts(user.id, source, attempts.lastReservedAt ?? 0);
        continue;
      }
      const allowance = slotAllowance(attempts, now);
      const admission = accountAdmission(user, attempts, now);
      if (admission !== 'refused' && attempts.slots < allowance) {
        // Under attack, unknown sources share one check per back-off period: another one took it.
        if (
          admission === 'claim' &&
          !(await this.repository.claimAccountWideCheck(user.id, user.lastFailedLoginAt ?? 0, now))
        )
          break;
        if (await this.repository.reservePasswordAttempt(user.id, source, allowance, now)) return true;
        if (admission === 'claim') break; // the period's check is spent on this source's own race
        continue; // another check from this source took the slot first: look again
      }
      if (admission === 'refused' || attempts.inFlight === 0 || waitedMs >= MAX_RESERVATION_WAIT_MS) break;
      // This source's own checks are running; one of them may free a slot (a success frees its own).
      const pause =
        Math.min(FIRST_RESERVATION_PAUSE_MS * 2 ** round, MAX_RESERVATION_PAUSE_MS) * (0.5 + this.random() / 2);
      await this.sleep(pause);
      waitedMs += pause;
    }
    // The write a reservation makes, aimed at nobody: a refusal costs what a check costs.
    await this.repository.reservePasswordAttempt(undefined, source, 0, this.now());
    return false;
  }

  /**
   * The work of a failed password check without one (unknown email): the reads and writes of a check, aimed
   * at items that exist nowhere (conditions fail, nothing is written, and a fresh key each time puts no load
   * on any one partition), and a hash against a dummy.
   */
  private async refuseLikeAPasswordCheck(password: string, source: string): Promise<void> {
    await this.repository.findPasswordAttempts(undefined, source);
    await this.repository.reservePasswordAttempt(undefined, source, 0, this.now());
    await this.hasher.burnEquivalentTime(password);
    await this.repository.recordPasswordFailure(undefined, source, this.now());
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1_000);
  }

  private async findVisible(actor: Actor, id: string): Promise<StoredUser> {
    // Someone else's id is "not found" whether or not it exists: no existence oracle.
    if (actor.userId !== id && !isAdmin(actor)) throw new UserNotFoundError();
    const user = await this.repository.findById(id);
    if (user === undefined) throw new UserNotFoundError();
    return user;
  }

  private async sendWelcomeEmail(user: StoredUser): Promise<void> {
    try {
      await this.emails.send(welcomeEmail(user));
    } catch (error) {
      this.onWelcomeEmailFailed(error, user.id);
    }
  }
}

/** The admin rule, in one place: an admin may see, change, list and delete every user, and grant roles. */
function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin';
}

/** Validates what the routes validated already, so the rules hold for every caller (create-admin too). */
function assertValid(input: {
  email?: string | undefined;
  password?: string | undefined;
  name?: string | undefined;
}): void {
  const violations: FieldViolation[] = [];
  const check = (field: string, violation: string | undefined): void => {
    if (violation !== undefined) violations.push({ field, message: violation });
  };
  if (input.email !== undefined) check('email', emailViolation(input.email));
  if (input.password !== undefined) check('password', passwordPolicyViolation(input.password));
  if (input.name !== undefined) check('name', nameViolation(input.name));
  if (violations.length > 0) throw new ValidationError(violations);
}
