import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import { userKey } from '../../src/data/user-keys';
import { EmailTakenError, WriteContentionError } from '../../src/domain/errors';
import type { StoredUser } from '../../src/domain/user';
import { recordedBackOff, transactionCancelled, type TransactionOutcome } from '../helpers/scripted-dynamodb';

// Real DynamoDB answers TransactionConflict when two transactions touch one item at once. The back-off itself
// is proven once, in transaction-retry.test.ts; these tests prove that the repository retries its transactions
// and maps their outcomes. GetItem answers the scripted user items in turn (the last one repeats).
function scriptedClient(script: { transactions: TransactionOutcome[]; reads?: (StoredUser | undefined)[] }): {
  client: DynamoDBDocumentClient;
  transactions: () => TransactWriteCommand[];
} {
  const transactions: TransactWriteCommand[] = [];
  let reads = 0;
  const send = async (command: unknown): Promise<object> => {
    if (command instanceof GetCommand) {
      const user = script.reads?.[Math.min(reads, (script.reads?.length ?? 1) - 1)];
      reads += 1;
      return user === undefined ? {} : { Item: { ...userKey(user.id), ...user } };
    }
    if (!(command instanceof TransactWriteCommand)) throw new Error('unexpected command');
    const outcome = script.transactions[Math.min(transactions.length, script.transactions.length - 1)] ?? 'ok';
    transactions.push(command);
    if (outcome === 'ok') return {};
    throw transactionCancelled(outcome);
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, transactions: () => transactions };
}

const user: StoredUser = {
  id: '6f1c7c1e-4a8e-4c1e-9d55-2f1f1b1c0a01',
  email: 'retry@example.com',
  name: 'Retry',
  role: 'user',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
  passwordHash: 'scrypt$17$8$1$x$y',
  failedLoginCount: 0,
  lastFailedLoginAt: undefined,
  tokenGeneration: 0,
  tokensRevokedAt: undefined,
};

function claimKeysOf(transaction: TransactWriteCommand | undefined): unknown[] {
  return (transaction?.input.TransactItems ?? [])
    .map((item) => item.Delete?.Key)
    .filter((key) => key?.['SK'] === 'EMAIL');
}

describe('DynamoDbUserRepository transactions', () => {
  it('retries a transaction cancelled by a conflict until it commits, backing off exponentially', async () => {
    // Arrange
    const { client, transactions } = scriptedClient({ transactions: ['conflict', 'conflict', 'ok'] });
    const backOff = recordedBackOff();

    // Act
    await new DynamoDbUserRepository(client, 'table', backOff).create(user);

    // Assert
    expect(transactions()).toHaveLength(3);
    expect(backOff.waits).toEqual([20, 40]);
  });

  it('reports the email as taken when a retry finds the condition failing', async () => {
    // Arrange
    const { client, transactions } = scriptedClient({ transactions: ['conflict', 'condition-failed'] });

    // Act
    const attempt = new DynamoDbUserRepository(client, 'table', recordedBackOff()).create(user);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(EmailTakenError);
    expect(transactions()).toHaveLength(2);
  });

  it('gives up with WriteContentionError after eight conflicting attempts', async () => {
    // Arrange
    const { client, transactions } = scriptedClient({ transactions: ['conflict'] });
    const backOff = recordedBackOff();

    // Act
    const attempt = new DynamoDbUserRepository(client, 'table', backOff).create(user);

    // Assert: seven waits between eight attempts
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    expect(transactions()).toHaveLength(8);
    expect(backOff.waits).toHaveLength(7);
  });
});

describe('DynamoDbUserRepository delete', () => {
  it('reads the user again and releases the new email claim when the email changed between read and delete', async () => {
    // Arrange: the first read sees the old email; the transaction's condition on it fails; the second read sees the new
    // one
    const moved = { ...user, email: 'moved@example.com', version: 2 };
    const { client, transactions } = scriptedClient({ transactions: ['condition-failed', 'ok'], reads: [user, moved] });

    // Act
    const deleted = await new DynamoDbUserRepository(client, 'table', recordedBackOff()).delete(user.id);

    // Assert
    expect(deleted).toBe(true);
    expect(transactions().map(claimKeysOf)).toEqual([
      [{ PK: 'EMAIL#retry@example.com', SK: 'EMAIL' }],
      [{ PK: 'EMAIL#moved@example.com', SK: 'EMAIL' }],
    ]);
  });

  it('reports false when the user is gone by the time it reads again', async () => {
    // Arrange
    const { client, transactions } = scriptedClient({ transactions: ['condition-failed'], reads: [user, undefined] });

    // Act
    const deleted = await new DynamoDbUserRepository(client, 'table', recordedBackOff()).delete(user.id);

    // Assert
    expect(deleted).toBe(false);
    expect(transactions()).toHaveLength(1);
  });

  it('fails after three rounds whose conditions all failed, without deleting anything', async () => {
    // Arrange
    const { client, transactions } = scriptedClient({ transactions: ['condition-failed'], reads: [user] });

    // Act
    const attempt = new DynamoDbUserRepository(client, 'table', recordedBackOff()).delete(user.id);

    // Assert
    await expect(attempt).rejects.toThrow(`deleting user ${user.id}`);
    expect(transactions()).toHaveLength(3);
  });
});
