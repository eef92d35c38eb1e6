/**
 * Keys of the user items in the single table (see `table-definition.ts` and docs/data-model.md).
 * Kept apart from the repository so tests can look at the raw items.
 */
export const USER_SORT_KEY = 'PROFILE';
const EMAIL_SORT_KEY = 'EMAIL';
/** The one GSI1 partition holding every user, sorted by `<createdAt>#<id>`. */
export const USERS_LISTING_PARTITION = 'USERS';

export function userKey(id: string): { PK: string; SK: string } {
  return { PK: `USER#${id}`, SK: USER_SORT_KEY };
}

/** The password-check record of one account from one source (see `login-backoff.ts`). */
export function passwordAttemptsKey(userId: string, source: string): { PK: string; SK: string } {
  return { PK: `USER#${userId}`, SK: `ATTEMPTS#${source}` };
}

/**
 * The number of admins (`admins`), changed in the same transaction as every role it counts, so that the last
 * admin can be refused atomically.
 */
export const ADMIN_COUNT_KEY = { PK: 'ADMINS', SK: 'COUNT' } as const;

/** The uniqueness item of a canonical email. */
export function emailKey(canonicalEmail: string): { PK: string; SK: string } {
  return { PK: `EMAIL#${canonicalEmail}`, SK: EMAIL_SORT_KEY };
}

export function userListingKey(createdAt: string, id: string): { GSI1PK: string; GSI1SK: string } {
  return { GSI1PK: USERS_LISTING_PARTITION, GSI1SK: `${createdAt}#${id}` };
}
