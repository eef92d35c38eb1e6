import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../src/data/dynamodb-client';
import { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import { emailKey, userKey } from '../../src/data/user-keys';
import {
  EmailTakenError,
  InvalidListPositionError,
  StaleVersionError,
  UserNotFoundError,
} from '../../src/domain/errors';
import { NO_ATTEMPTS } from '../../src/domain/login-backoff';
import type { StoredUser } from '../../src/domain/user';
import { testConfig } from '../helpers/test-environment';
import { storedUserRecord } from '../helpers/user-fixtures';

let client: DynamoDBDocumentClient;
let repository: DynamoDbUserRepository;
let tableName: string;

beforeAll(() => {
  const config = testConfig();
  tableName = config.dynamodb.tableName;
  client = createDocumentClient(config.dynamodb);
  repository = new DynamoDbUserRepository(client, tableName);
});

afterAll(() => client.destroy());

function newUser(overrides: Partial<StoredUser> = {}): StoredUser {
  return storedUserRecord({ name: 'Repo Test', ...overrides });
}

async function rawItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
  const result = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return result.Item;
}

describe('DynamoDbUserRepository', () => {
  describe('create', () => {
    it('stores the user item with its listing keys and an EMAIL# item pointing at it', async () => {
      // Arrange
      const user = newUser();

      // Act
      await repository.create(user);

      // Assert
      expect(await rawItem(userKey(user.id))).toMatchObject({
        PK: `USER#${user.id}`,
        SK: 'PROFILE',
        GSI1PK: 'USERS',
        GSI1SK: `${user.createdAt}#${user.id}`,
        email: user.email,
        version: 1,
      });
      expect(await rawItem(emailKey(user.email))).toEqual({
        PK: `EMAIL#${user.email}`,
        SK: 'EMAIL',
        type: 'EMAIL',
        userId: user.id,
      });
      expect(await repository.findUserIdByEmail(user.email)).toBe(user.id);
    });

    it('throws EmailTakenError and writes nothing when the email is claimed', async () => {
      // Arrange
      const first = newUser();
      await repository.create(first);
      const second = newUser({ email: first.email });

      // Act
      const attempt = repository.create(second);

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(EmailTakenError);
      expect(await rawItem(userKey(second.id))).toBeUndefined();
      expect(await rawItem(emailKey(first.email))).toMatchObject({ userId: first.id });
    });
  });

  it('lets exactly one of 50 simultaneous creates with the same email through; the rest get EmailTakenError', async () => {
    // Arrange: 50 users, one email, no hashing in the way: the transactions themselves race
    const email = `race-${randomUUID()}@example.com`;
    const users = Array.from({ length: 50 }, () => newUser({ email }));

    // Act
    const outcomes = await Promise.allSettled(users.map((user) => repository.create(user)));

    // Assert
    const created = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [users[index]?.id] : []));
    const rejected = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    expect(rejected.every((reason) => reason instanceof EmailTakenError)).toBe(true);
    expect(await rawItem(emailKey(email))).toMatchObject({ userId: created[0] });
    const stored = await Promise.all(users.map((user) => rawItem(userKey(user.id))));
    expect(stored.filter((item) => item !== undefined)).toHaveLength(1);
  });

  describe('update', () => {
    it('moves the email claim in the same write that changes the email and bumps the version', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);
      const newEmail = `moved-${user.id}@example.com`;

      // Act
      const updated = await repository.update(user, { email: newEmail, name: 'Moved' }, '2030-01-01T00:00:00.000Z');

      // Assert
      expect(updated).toMatchObject({
        email: newEmail,
        name: 'Moved',
        version: 2,
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await rawItem(emailKey(user.email))).toBeUndefined();
      expect(await rawItem(emailKey(newEmail))).toMatchObject({ userId: user.id });
      expect(await repository.findById(user.id)).toEqual(updated);
    });

    it('throws StaleVersionError and changes nothing when the version moved on', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);
      await repository.update(user, { name: 'First writer' }, new Date().toISOString());

      // Act
      const attempt = repository.update(
        user,
        { name: 'Second writer', email: `stale-${user.id}@example.com` },
        new Date().toISOString(),
      );

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(StaleVersionError);
      expect(await repository.findById(user.id)).toMatchObject({ name: 'First writer', email: user.email, version: 2 });
      expect(await rawItem(emailKey(`stale-${user.id}@example.com`))).toBeUndefined();
    });

    it('throws EmailTakenError and changes nothing when the new email is claimed', async () => {
      // Arrange
      const owner = newUser();
      const mover = newUser();
      await repository.create(owner);
      await repository.create(mover);

      // Act
      const attempt = repository.update(mover, { email: owner.email }, new Date().toISOString());

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(EmailTakenError);
      expect(await repository.findById(mover.id)).toEqual(mover);
      expect(await rawItem(emailKey(mover.email))).toMatchObject({ userId: mover.id });
      expect(await rawItem(emailKey(owner.email))).toMatchObject({ userId: owner.id });
    });

    it('throws UserNotFoundError for a deleted user', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);
      await repository.delete(user.id);

      // Act
      const attempt = repository.update(user, { name: 'Ghost' }, new Date().toISOString());

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(UserNotFoundError);
      expect(await rawItem(userKey(user.id))).toBeUndefined();
    });
  });

  describe('delete', () => {
    it('removes the user and its email claim, and reports false the second time', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);

      // Act
      const first = await repository.delete(user.id);
      const second = await repository.delete(user.id);

      // Assert
      expect([first, second]).toEqual([true, false]);
      expect(await rawItem(userKey(user.id))).toBeUndefined();
      expect(await rawItem(emailKey(user.email))).toBeUndefined();
    });
  });

  describe('listNewestFirst', () => {
    it('pages through users newest first with the positions it hands out', async () => {
      // Arrange: three users with distinct creation times far in the future
      const base = Date.parse('2999-01-01T00:00:00.000Z');
      const users = [0, 1, 2].map((offset) => newUser({ createdAt: new Date(base + offset * 1_000).toISOString() }));
      for (const user of users) await repository.create(user);

      // Act
      const first = await repository.listNewestFirst(2, undefined);
      const second = await repository.listNewestFirst(2, first.next);

      // Assert: nothing else in the test table is dated that far ahead, so ours lead the listing
      expect(first.users.map((user) => user.id)).toEqual([users[2]?.id, users[1]?.id]);
      expect(second.users[0]?.id).toBe(users[0]?.id);
      const keys = [...first.users, ...second.users].map((user) => `${user.createdAt}#${user.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(first.next).toEqual(expect.objectContaining({ GSI1PK: 'USERS' }));
    });

    it('reports no next position on the last page', async () => {
      // Arrange
      await repository.create(newUser());

      // Act
      let page = await repository.listNewestFirst(100, undefined);
      while (page.next !== undefined) page = await repository.listNewestFirst(100, page.next);

      // Assert
      expect(page.next).toBeUndefined();
    });

    it.each([
      ['a foreign partition', { PK: 'RATE#x', SK: 'PROFILE', GSI1PK: 'USERS', GSI1SK: 'a#x' }],
      ['another index', { PK: 'USER#x', SK: 'PROFILE', GSI1PK: 'ORDERS', GSI1SK: 'a#x' }],
      ['extra attributes', { PK: 'USER#x', SK: 'PROFILE', GSI1PK: 'USERS', GSI1SK: 'a#x', extra: 'y' }],
    ])('refuses a position with %s', async (_label, position) => {
      await expect(repository.listNewestFirst(10, position)).rejects.toBeInstanceOf(InvalidListPositionError);
    });
  });

  describe('password attempts', () => {
    const source = '192.0.2.7';

    it('lets concurrent reservations take the free slots, exactly as many as the allowance, and no more', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, index) => repository.reservePasswordAttempt(user.id, source, 3, 1_000 + index)),
      );

      // Assert
      expect(outcomes.filter(Boolean)).toHaveLength(3);
      expect(await repository.findPasswordAttempts(user.id, source)).toMatchObject({ slots: 3, inFlight: 3 });
      expect(await repository.findPasswordAttempts(user.id, '192.0.2.8')).toEqual(NO_ATTEMPTS);
    });

    it('keeps a failed check as a failure, and a success forgets the failures but not the checks still in flight', async () => {
      // Arrange: two checks in flight
      const user = newUser();
      await repository.create(user);
      await repository.reservePasswordAttempt(user.id, source, 5, 1_000);
      await repository.reservePasswordAttempt(user.id, source, 5, 1_001);

      // Act
      await repository.recordPasswordFailure(user.id, source, 2_000);
      const afterFailure = await repository.findPasswordAttempts(user.id, source);
      const userAfterFailure = await repository.findById(user.id);
      await repository.reservePasswordAttempt(user.id, source, 5, 2_500);
      await repository.recordPasswordSuccess(user.id, source, 3_000);

      // Assert
      expect(afterFailure).toEqual({
        slots: 2,
        inFlight: 1,
        lastFailureAt: 2_000,
        lastReservedAt: 1_001,
        lastSuccessAt: undefined,
      });
      expect(userAfterFailure).toMatchObject({ failedLoginCount: 1, lastFailedLoginAt: 2_000, version: 1 });
      expect(await repository.findPasswordAttempts(user.id, source)).toEqual({
        slots: 1,
        inFlight: 1,
        lastFailureAt: undefined,
        lastReservedAt: 2_500,
        lastSuccessAt: 3_000,
      });
    });

    it('on success resets the account-wide count; replacePasswordHash replaces the hash only if it is unchanged', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);
      await repository.reservePasswordAttempt(user.id, source, 5, 1_000);
      await repository.recordPasswordFailure(user.id, source, 1_000);

      // Act
      await repository.reservePasswordAttempt(user.id, source, 5, 1_500);
      await repository.recordPasswordSuccess(user.id, source, 2_000);
      await repository.replacePasswordHash(user.id, { from: 'some other hash', to: 'must not be stored' });
      const afterStaleRehash = await repository.findById(user.id);
      await repository.replacePasswordHash(user.id, { from: user.passwordHash, to: 'scrypt$fresh' });

      // Assert
      expect(afterStaleRehash).toMatchObject({
        failedLoginCount: 0,
        lastFailedLoginAt: undefined,
        passwordHash: user.passwordHash,
      });
      expect(await repository.findById(user.id)).toMatchObject({
        failedLoginCount: 0,
        tokenGeneration: 0,
        tokensRevokedAt: undefined,
        passwordHash: 'scrypt$fresh',
        version: 1,
      });
    });

    it('writes nothing for nobody (userId undefined), and counts abandoned checks as failures', async () => {
      // Arrange
      const user = newUser();
      await repository.create(user);
      await repository.reservePasswordAttempt(user.id, source, 5, 1_000);

      // Act
      const reservedForNobody = await repository.reservePasswordAttempt(undefined, source, 5, 1_000);
      await repository.recordPasswordFailure(undefined, source, 1_000);
      await repository.releaseAbandonedAttempts(user.id, source, 999);
      const afterStaleRelease = await repository.findPasswordAttempts(user.id, source);
      await repository.releaseAbandonedAttempts(user.id, source, 1_000);

      // Assert
      expect(reservedForNobody).toBe(false);
      expect(afterStaleRelease).toMatchObject({ slots: 1, inFlight: 1 });
      expect(await repository.findPasswordAttempts(user.id, source)).toMatchObject({ slots: 1, inFlight: 0 });
    });
  });
});
