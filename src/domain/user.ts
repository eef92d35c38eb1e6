/** The roles a user can have. Only an admin's PATCH (or `npm run create-admin`) ever grants `admin`. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A user as the API shows it: never password material, never storage keys. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every change to the fields above; the source of the `ETag`. */
  readonly version: number;
}

/** A user as it is stored: the public fields plus credentials and login back-off state. */
export interface StoredUser extends User {
  /** A self-describing scrypt string (see `password-hasher.ts`). */
  readonly passwordHash: string;
  /** Consecutive failed password checks since the last success. */
  readonly failedLoginCount: number;
  /** Epoch milliseconds of the last failed password check, if any. */
  readonly lastFailedLoginAt: number | undefined;
  /**
   * Bumped whenever the tokens issued so far must stop working (a password, email or role change, a logout).
   * The app's tokens carry the generation they were issued in (the `gen` claim), which must still be this one.
   */
  readonly tokenGeneration: number;
  /**
   * Epoch seconds of the last revocation, for tokens that carry no generation (an OIDC provider's): those
   * must be issued after it.
   */
  readonly tokensRevokedAt: number | undefined;
}

/** What a verified access token says about when it was issued, as the store's revocation state judges it. */
export interface TokenIssue {
  /** The `gen` claim of the app's own tokens; `undefined` for tokens without one (an OIDC provider's). */
  readonly generation: number | undefined;
  /** The `iat` claim, in epoch seconds. */
  readonly issuedAt: number;
}

/**
 * Whether a token is still valid for this user. The generation is exact; a token without one (an OIDC
 * provider's) only has `iat`, whole seconds, so one issued in the same second as a revocation counts as
 * before it (refused: the caller logs in again a second later, rather than a revoked token surviving).
 */
export function isTokenCurrent(
  user: Pick<StoredUser, 'tokenGeneration' | 'tokensRevokedAt'>,
  token: TokenIssue,
): boolean {
  if (token.generation !== undefined) return token.generation === user.tokenGeneration;
  return user.tokensRevokedAt === undefined || token.issuedAt > user.tokensRevokedAt;
}

/** Who is acting, as the routes learned it from the verified token and the store. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
}

/**
 * The one canonical form of an email address, used to register, to log in and as the uniqueness key:
 * surrounding whitespace removed, lowercased. (Strictly, the local part may be case-sensitive, but no
 * mainstream provider treats it so, and two accounts differing only in case are a support nightmare.)
 */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The public view of a stored user. Listing the fields (rather than deleting some) keeps new secrets out by default.
 */
export function publicUser(user: User): User {
  const { id, email, name, role, createdAt, updatedAt, version } = user;
  return { id, email, name, role, createdAt, updatedAt, version };
}

export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;

/** Why a display name is unacceptable (after trimming), or `undefined`. */
export function nameViolation(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed.isWellFormed() || trimmed.includes('\uFFFD')) return 'must be valid UTF-8 text';
  // Control characters would end up in email bodies and logs.
  if (/\p{Cc}/u.test(trimmed)) return 'must not contain control characters';
  const length = [...trimmed].length;
  if (length < 1 || length > NAME_MAX_LENGTH) return `must be 1 to ${NAME_MAX_LENGTH} characters long`;
  return undefined;
}

/**
 * Why an email address is unacceptable, or `undefined`. Deliberately loose (one `@`, a dot in the domain,
 * no spaces, RFC 5321's length): the routes check the syntax in detail, and only delivery really proves an
 * address.
 */
export function emailViolation(email: string): string | undefined {
  const canonical = canonicalEmail(email);
  if (canonical.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters long`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(canonical) || !canonical.isWellFormed()) return 'must be an email address';
  return undefined;
}
