import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import { EmailTakenError, WriteContentionError } from '../../src/data/user-repository';
import type { StoredUser } from '../../src/domain/user';

// DynamoDB Local serialises transactions and never answers `TransactionConflict`; real DynamoDB does when
// two transactions touch one item at once. This client answers with a scripted sequence of outcomes so the
// retry rules can be seen; everything else about the repository runs against DynamoDB Local elsewhere.
function scriptedClient(outcomes: ('conflict' | 'email-taken' | 'ok')[]): { client: DynamoDBDocumentClient; calls: () => number } {
  let calls = 0;
  const send = async (): Promise<object> => {
    const outcome = outcomes[Math.min(calls, outcomes.length - 1)];
    calls += 1;
    if (outcome === 'ok') return {};
    throw new TransactionCanceledException({
      $metadata: {},
      message: 'Transaction cancelled',
      CancellationReasons:
        outcome === 'conflict' ? [{ Code: 'None' }, { Code: 'TransactionConflict' }] : [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, calls: () => calls };
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
};

describe('DynamoDbUserRepository transactions', () => {
  it('retries a transaction cancelled by a conflict until it commits', async () => {
    // Arrange
    const { client, calls } = scriptedClient(['conflict', 'conflict', 'ok']);

    // Act
    await new DynamoDbUserRepository(client, 'table').create(user);

    // Assert
    expect(calls()).toBe(3);
  });

  it('reports the email as taken when a retry finds the condition failing', async () => {
    // Arrange
    const { client, calls } = scriptedClient(['conflict', 'email-taken']);

    // Act
    const attempt = new DynamoDbUserRepository(client, 'table').create(user);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(EmailTakenError);
    expect(calls()).toBe(2);
  });

  it('gives up with WriteContentionError after eight conflicting attempts', async () => {
    // Arrange
    const { client, calls } = scriptedClient(['conflict']);

    // Act
    const attempt = new DynamoDbUserRepository(client, 'table').create(user);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    expect(calls()).toBe(8);
  });
});
