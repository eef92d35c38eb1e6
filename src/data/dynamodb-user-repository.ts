import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import {
  EmailTakenError,
  InvalidListPositionError,
  LastAdminError,
  MalformedUserRecordError,
  StaleVersionError,
  UserNotFoundError,
} from '../domain/errors';
import { ABANDONED_ATTEMPT_MS, KNOWN_SOURCE_MS, NO_ATTEMPTS, type PasswordAttempts } from '../domain/login-backoff';
import type { ListPosition } from '../domain/pagination-cursor';
import { isRole, type Role, type StoredUser } from '../domain/user';
import type { UserChanges, UserPage, UserRepository } from '../domain/user-repository';
import { describeCancellation, failedCondition, isConditionFailure } from './dynamodb-errors';
import { retryTransaction, type RetryTiming } from './transaction-retry';
import {
  ADMIN_COUNT_KEY,
  emailKey,
  passwordAttemptsKey,
  userKey,
  userListingKey,
  USERS_LISTING_PARTITION,
  USER_SORT_KEY,
} from './user-keys';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

// A delete reads the user, then removes it and its email claim on the condition that neither changed. A
// concurrent change makes it read again; three rounds are plenty for anything short of a stuck writer.
const MAX_DELETE_ATTEMPTS = 3;

/** {@link UserRepository} on the single table: a user item, an `EMAIL#` uniqueness item, and GSI1 for listings. */
export class DynamoDbUserRepository implements UserRepository {
  /** Set once the admin count is known to exist (it is never removed). */
  private adminCountExists = false;

  /** `retryTiming` replaces the waits between retries after a conflict (tests record them). */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retryTiming: RetryTiming = {},
  ) {}

  async create(user: StoredUser): Promise<void> {
    const items: TransactItems = [
      {
        Put: {
          TableName: this.tableName,
          Item: toUserItem(user),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...emailKey(user.email), type: 'EMAIL', userId: user.id },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    if (user.role === 'admin') items.push(await this.adminCountChange(+1));
    const reasons = await this.transact(items);
    if (reasons === undefined) return;
    // A random UUID colliding (reason 0) is not a realistic outcome; the email claim (reason 1) is.
    if (failedCondition(reasons[1])) throw new EmailTakenError();
    throw new Error(`creating user ${user.id} was cancelled: ${describeCancellation(reasons)}`);
  }

  async findById(id: string): Promise<StoredUser | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(id), ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromUserItem(result.Item);
  }

  async findUserIdByEmail(email: string): Promise<string | undefined> {
    const claim = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: emailKey(email), ConsistentRead: true }),
    );
    const userId = claim.Item?.['userId'];
    return typeof userId === 'string' ? userId : undefined;
  }

  async isEmailTaken(email: string): Promise<boolean> {
    const claim = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: emailKey(email),
        ConsistentRead: true,
        ProjectionExpression: 'PK',
      }),
    );
    return claim.Item !== undefined;
  }

  async listNewestFirst(limit: number, after: ListPosition | undefined): Promise<UserPage> {
    if (after !== undefined && !isUserListingPosition(after)) throw new InvalidListPositionError();
    // Every page but the last is full. A malformed record is a problem for that record only: it does not count,
    // the page reads on past it, and says which it left out. One valid user more than asked tells whether
    // another page exists, so the last page says so (no empty last page).
    const users: StoredUser[] = [];
    const malformed: string[] = [];
    let pendingMalformed: string[] = [];
    let lastTaken: Record<string, unknown> | undefined;
    let start: Record<string, unknown> | undefined = after === undefined ? undefined : { ...after };
    let more = false;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :users',
          ExpressionAttributeValues: { ':users': USERS_LISTING_PARTITION },
          ScanIndexForward: false,
          Limit: limit + 1 - users.length,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of result.Items ?? []) {
        const user = readUserItem(item);
        if (users.length < limit) {
          if (user === undefined) malformed.push(userIdOfItem(item));
          else {
            users.push(user);
            lastTaken = item;
          }
        } else if (user === undefined) {
          pendingMalformed.push(userIdOfItem(item)); // the next page's, if there is one
        } else {
          more = true;
          pendingMalformed = [];
          break;
        }
      }
      // A LastEvaluatedKey also comes when DynamoDB stopped at its 1 MB page size: read on.
      start = result.LastEvaluatedKey;
    } while (!more && start !== undefined);
    malformed.push(...pendingMalformed);
    if (!more || lastTaken === undefined) return { users, malformed, next: undefined };
    const { PK, SK, GSI1PK, GSI1SK } = lastTaken;
    const position = { PK, SK, GSI1PK, GSI1SK };
    return { users, malformed, next: isUserListingPosition(position) ? position : undefined };
  }

  async update(current: StoredUser, changes: UserChanges, updatedAt: string): Promise<StoredUser> {
    const { revokeTokensAt, ...fields } = changes;
    const next: StoredUser = {
      ...current,
      ...fields,
      updatedAt,
      version: current.version + 1,
      ...(revokeTokensAt === undefined
        ? {}
        : { tokenGeneration: current.tokenGeneration + 1, tokensRevokedAt: revokeTokensAt }),
    };
    const moveEmail = changes.email !== undefined && changes.email !== current.email;
    const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = {
      ':expected': current.version,
      ':next': next.version,
      ':updatedAt': updatedAt,
    };
    const assignments = ['#version = :next', '#updatedAt = :updatedAt'];
    for (const field of ['name', 'email', 'role', 'passwordHash'] as const) {
      const value = changes[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      assignments.push(`#${field} = :${field}`);
    }
    if (revokeTokensAt !== undefined) {
      values[':revokedAt'] = revokeTokensAt;
      values[':one'] = 1;
      assignments.push('tokensRevokedAt = :revokedAt');
    }
    // ADD, not SET to current + 1: a logout between our read and this write must not be undone.
    const increments = revokeTokensAt === undefined ? '' : ' ADD tokenGeneration :one';
    const items: TransactItems = [
      {
        Update: {
          TableName: this.tableName,
          Key: userKey(current.id),
          UpdateExpression: `SET ${assignments.join(', ')}${increments}`,
          ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    if (moveEmail) {
      items.push(
        {
          Put: {
            TableName: this.tableName,
            Item: { ...emailKey(next.email), type: 'EMAIL', userId: current.id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: emailKey(current.email),
            ConditionExpression: 'userId = :id',
            ExpressionAttributeValues: { ':id': current.id },
          },
        },
      );
    }
    const adminDelta = adminCountDelta(current.role, next.role);
    if (adminDelta !== 0) items.push(await this.adminCountChange(adminDelta));
    const reasons = await this.transact(items);
    if (reasons === undefined) return next;
    const userReason = reasons[0];
    if (failedCondition(userReason)) {
      // With ALL_OLD, a failed condition on an existing item returns it: stale version. No item: deleted.
      if (userReason?.Item === undefined) throw new UserNotFoundError();
      throw new StaleVersionError();
    }
    if (moveEmail && failedCondition(reasons[1])) throw new EmailTakenError();
    if (adminDelta !== 0 && failedCondition(reasons[items.length - 1])) throw new LastAdminError();
    throw new Error(`updating user ${current.id} was cancelled: ${describeCancellation(reasons)}`);
  }

  async revokeTokens(id: string, atSeconds: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKey(id),
          UpdateExpression: 'SET tokensRevokedAt = :at ADD tokenGeneration :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': atSeconds, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    // Deleted concurrently (gone), or its email changed in between: look again and decide on fresh data.
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.deleteAsRead(id);
      if (outcome !== 'changed meanwhile') return outcome === 'deleted';
      if (attempt >= MAX_DELETE_ATTEMPTS)
        throw new Error(`deleting user ${id} kept failing its conditions: the user changed under every attempt`);
    }
  }

  /**
   * One read-then-delete: the user and the claim of the email just read, or nothing if either changed. Reads
   * the record as stored, not as a user: a malformed one is deleted too (with its claim, if its email is one).
   */
  private async deleteAsRead(id: string): Promise<'deleted' | 'not found' | 'changed meanwhile'> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: userKey(id),
        ConsistentRead: true,
        ProjectionExpression: 'email, #role',
        ExpressionAttributeNames: { '#role': 'role' },
      }),
    );
    if (result.Item === undefined) return 'not found';
    const user = { email: result.Item['email'], role: result.Item['role'] };
    const items: TransactItems = [
      {
        Delete: {
          TableName: this.tableName,
          Key: userKey(id),
          // The email read above must still be the user's, or the wrong claim would be released; the role
          // too, or the admin count would be wrong.
          ConditionExpression:
            `attribute_exists(PK) AND ${user.email === undefined ? 'attribute_not_exists(email)' : 'email = :email'}` +
            ` AND ${user.role === undefined ? 'attribute_not_exists(#role)' : '#role = :role'}`,
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: {
            ...(user.email === undefined ? {} : { ':email': user.email }),
            ...(user.role === undefined ? {} : { ':role': user.role }),
          },
        },
      },
    ];
    // A malformed record's email may be no email at all: then there is no claim of it to release.
    if (typeof user.email === 'string') {
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: emailKey(user.email),
          ConditionExpression: 'userId = :id',
          ExpressionAttributeValues: { ':id': id },
        },
      });
    }
    if (user.role === 'admin') items.push(await this.adminCountChange(-1));
    const reasons = await this.transact(items);
    if (reasons === undefined) return 'deleted';
    const claimed = typeof user.email === 'string';
    if (failedCondition(reasons[0]) || (claimed && failedCondition(reasons[1]))) return 'changed meanwhile';
    if (user.role === 'admin' && failedCondition(reasons[claimed ? 2 : 1])) throw new LastAdminError();
    throw new Error(`deleting user ${id} was cancelled: ${describeCancellation(reasons)}`);
  }

  async findPasswordAttempts(userId: string | undefined, source: string): Promise<PasswordAttempts> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: passwordAttemptsKey(userId ?? randomUUID(), source),
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? NO_ATTEMPTS : fromAttemptsItem(result.Item);
  }

  async reservePasswordAttempt(
    userId: string | undefined,
    source: string,
    allowance: number,
    atMs: number,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: passwordAttemptsKey(userId ?? randomUUID(), source),
          UpdateExpression: 'ADD slots :one, inFlight :one SET lastReservedAt = :at, expiresAt = :expires',
          // "Fewer in use than allowed", not "as many as I read": concurrent checks each take a free slot
          // instead of all but one losing a compare-and-swap. Nobody's item: a condition that cannot hold.
          ConditionExpression:
            userId === undefined ? 'attribute_exists(PK)' : 'attribute_not_exists(slots) OR slots < :allowance',
          ExpressionAttributeValues: {
            ':one': 1,
            ':at': atMs,
            ':expires': attemptsExpiry(atMs),
            ...(userId === undefined ? {} : { ':allowance': allowance }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordPasswordFailure(userId: string | undefined, source: string, atMs: number): Promise<void> {
    const id = userId ?? randomUUID();
    await Promise.all([
      this.updateIfCondition({
        Key: passwordAttemptsKey(id, source),
        // The slot stays in use: it is a failure now.
        UpdateExpression: 'ADD inFlight :minusOne SET lastFailureAt = :at, expiresAt = :expires',
        // Abandoned checks released meanwhile were counted as failures already.
        ConditionExpression: userId === undefined ? 'attribute_exists(PK)' : 'inFlight > :zero',
        ExpressionAttributeValues: {
          ':minusOne': -1,
          ':at': atMs,
          ':expires': attemptsExpiry(atMs),
          ...(userId === undefined ? {} : { ':zero': 0 }),
        },
      }),
      this.updateIfCondition({
        Key: userKey(id),
        UpdateExpression: 'ADD failedLoginCount :one SET lastFailedLoginAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1, ':at': atMs },
      }),
    ]);
  }

  async recordPasswordSuccess(userId: string, source: string, atMs: number): Promise<void> {
    const known = { ':at': atMs, ':expires': attemptsExpiry(atMs) };
    const settled = await this.updateIfCondition({
      Key: passwordAttemptsKey(userId, source),
      // This check's slot and every failure go; the checks still in flight keep theirs (SET reads old values).
      UpdateExpression:
        'SET slots = inFlight - :one, inFlight = inFlight - :one, lastSuccessAt = :at, expiresAt = :expires REMOVE lastFailureAt',
      ConditionExpression: 'inFlight > :zero',
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ...known },
    });
    if (!settled) {
      // Released as abandoned meanwhile (counted as a failure): forget the failures all the same.
      await this.updateIfCondition({
        Key: passwordAttemptsKey(userId, source),
        UpdateExpression: 'SET slots = inFlight, lastSuccessAt = :at, expiresAt = :expires REMOVE lastFailureAt',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: known,
      });
    }
    await this.updateIfCondition({
      Key: userKey(userId),
      UpdateExpression: 'SET failedLoginCount = :zero REMOVE lastFailedLoginAt',
      // Never resurrect a deleted user.
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':zero': 0 },
    });
  }

  async replacePasswordHash(userId: string, rehash: { readonly from: string; readonly to: string }): Promise<void> {
    await this.updateIfCondition({
      Key: userKey(userId),
      UpdateExpression: 'SET passwordHash = :to',
      // Never overwrite a password changed since the check, and never resurrect a deleted user.
      ConditionExpression: 'attribute_exists(PK) AND passwordHash = :from',
      ExpressionAttributeValues: { ':from': rehash.from, ':to': rehash.to },
    });
  }

  async claimAccountWideCheck(userId: string, seenLastFailureAt: number, atMs: number): Promise<boolean> {
    return this.updateIfCondition({
      Key: userKey(userId),
      UpdateExpression: 'SET accountCheckAt = :at',
      ConditionExpression:
        'lastFailedLoginAt = :seen AND (attribute_not_exists(accountCheckAt) OR accountCheckAt < :seen OR accountCheckAt < :abandoned)',
      ExpressionAttributeValues: { ':at': atMs, ':seen': seenLastFailureAt, ':abandoned': atMs - ABANDONED_ATTEMPT_MS },
    });
  }

  async releaseAbandonedAttempts(userId: string, source: string, lastReservedAt: number): Promise<void> {
    await this.updateIfCondition({
      Key: passwordAttemptsKey(userId, source),
      UpdateExpression: 'SET inFlight = :zero',
      ConditionExpression: 'lastReservedAt = :seen',
      ExpressionAttributeValues: { ':zero': 0, ':seen': lastReservedAt },
    });
  }

  /**
   * The transaction item that moves the admin count by `delta`; taking one away needs another admin left.
   * The count must exist first: see {@link ensureAdminCount}.
   */
  private async adminCountChange(delta: 1 | -1): Promise<TransactItems[number]> {
    await this.ensureAdminCount();
    return {
      Update: {
        TableName: this.tableName,
        Key: { ...ADMIN_COUNT_KEY },
        UpdateExpression: 'ADD admins :delta',
        ConditionExpression: delta < 0 ? 'admins > :one' : 'attribute_exists(PK)',
        ExpressionAttributeValues: delta < 0 ? { ':delta': delta, ':one': 1 } : { ':delta': delta },
      },
    };
  }

  /**
   * Creates the admin count when the table has none (a table from before it existed): counts the admins
   * once, through the listing. A listing that lags a just-made admin counts fewer, which only ever refuses a
   * demotion too many, never allows the last one.
   */
  private async ensureAdminCount(): Promise<void> {
    if (this.adminCountExists) return;
    const existing = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: ADMIN_COUNT_KEY, ConsistentRead: true }),
    );
    if (existing.Item === undefined) {
      let admins = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :users',
            FilterExpression: '#role = :admin',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':users': USERS_LISTING_PARTITION, ':admin': 'admin' },
            Select: 'COUNT',
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        admins += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      // Another process may have created it meanwhile: theirs stands.
      await this.putIfAbsent({ ...ADMIN_COUNT_KEY, type: 'ADMIN_COUNT', admins });
    }
    this.adminCountExists = true;
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** A conditional update of one item; resolves whether its condition held. */
  private async updateIfCondition(input: {
    readonly Key: Record<string, string>;
    readonly UpdateExpression: string;
    readonly ConditionExpression: string;
    readonly ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Runs a transaction (see {@link retryTransaction}): `undefined` when it committed, else the reasons. */
  private transact(items: TransactItems): Promise<readonly CancellationReason[] | undefined> {
    return retryTransaction(this.client, new TransactWriteCommand({ TransactItems: items }), this.retryTiming);
  }
}

/** How a role change moves the admin count. */
function adminCountDelta(from: Role, to: Role): 0 | 1 | -1 {
  if (from === to) return 0;
  return to === 'admin' ? 1 : from === 'admin' ? -1 : 0;
}

function toUserItem(user: StoredUser): Record<string, unknown> {
  return {
    ...userKey(user.id),
    ...userListingKey(user.createdAt, user.id),
    type: 'USER',
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    version: user.version,
    passwordHash: user.passwordHash,
    failedLoginCount: user.failedLoginCount,
    lastFailedLoginAt: user.lastFailedLoginAt,
    tokenGeneration: user.tokenGeneration,
    tokensRevokedAt: user.tokensRevokedAt,
  };
}

// Items are read back field by field (never spread), so storage attributes never leak into the domain,
// and a malformed item fails loudly here rather than as a confusing response later.
function fromUserItem(item: Record<string, unknown>): StoredUser {
  const user = readUserItem(item);
  if (user === undefined) throw new MalformedUserRecordError(userIdOfItem(item));
  return user;
}

/** The id a user record is stored under (its key), whatever the rest of it holds. */
function userIdOfItem(item: Record<string, unknown>): string {
  const key = item['PK'];
  return typeof key === 'string' && key.startsWith('USER#') ? key.slice('USER#'.length) : String(key);
}

/** The user a stored record holds, or `undefined` when it does not have a user's shape. */
function readUserItem(item: Record<string, unknown>): StoredUser | undefined {
  const {
    id,
    email,
    name,
    role,
    createdAt,
    updatedAt,
    version,
    passwordHash,
    failedLoginCount,
    lastFailedLoginAt,
    tokenGeneration,
    tokensRevokedAt,
  } = item;
  if (
    typeof id !== 'string' ||
    typeof email !== 'string' ||
    typeof name !== 'string' ||
    !isRole(role) ||
    typeof createdAt !== 'string' ||
    typeof updatedAt !== 'string' ||
    typeof version !== 'number' ||
    typeof passwordHash !== 'string' ||
    !(failedLoginCount === undefined || typeof failedLoginCount === 'number') ||
    !(lastFailedLoginAt === undefined || typeof lastFailedLoginAt === 'number') ||
    !(tokenGeneration === undefined || typeof tokenGeneration === 'number') ||
    !(tokensRevokedAt === undefined || typeof tokensRevokedAt === 'number')
  ) {
    return undefined;
  }
  return {
    id,
    email,
    name,
    role,
    createdAt,
    updatedAt,
    version,
    passwordHash,
    failedLoginCount: failedLoginCount ?? 0,
    lastFailedLoginAt,
    // Users stored before revocation existed have neither attribute: generation 0, never revoked.
    tokenGeneration: tokenGeneration ?? 0,
    tokensRevokedAt,
  };
}

/** TTL of an attempts record (epoch seconds): kept as long as its source counts as known. */
function attemptsExpiry(atMs: number): number {
  return Math.ceil((atMs + KNOWN_SOURCE_MS) / 1_000);
}

function fromAttemptsItem(item: Record<string, unknown>): PasswordAttempts {
  const { slots, inFlight, lastFailureAt, lastReservedAt, lastSuccessAt } = item;
  const optionalNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    slots: typeof slots === 'number' ? slots : 0,
    inFlight: typeof inFlight === 'number' ? Math.max(0, inFlight) : 0,
    lastFailureAt: optionalNumber(lastFailureAt),
    lastReservedAt: optionalNumber(lastReservedAt),
    lastSuccessAt: optionalNumber(lastSuccessAt),
  };
}

function isUserListingPosition(position: Readonly<Record<string, unknown>>): position is ListPosition {
  const keys = Object.keys(position).sort();
  if (keys.join(',') !== 'GSI1PK,GSI1SK,PK,SK') return false;
  const { PK, SK, GSI1PK, GSI1SK } = position;
  return (
    typeof PK === 'string' &&
    PK.startsWith('USER#') &&
    SK === USER_SORT_KEY &&
    GSI1PK === USERS_LISTING_PARTITION &&
    typeof GSI1SK === 'string' &&
    GSI1SK.endsWith(`#${PK.slice('USER#'.length)}`)
  );
}
