import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  describeCancellation,
  failedCondition,
  isConditionFailure,
  isTransactionConflict,
} from '../../src/data/dynamodb-errors';
import { backOffAfterConflict, retryTransaction } from '../../src/data/transaction-retry';
import { WriteContentionError } from '../../src/domain/errors';
import {
  recordedBackOff,
  singleWriteRefused,
  transactionCancelled,
  type TransactionOutcome,
} from '../helpers/scripted-dynamodb';

/** A client whose transactions end as scripted, one outcome per attempt (the last one repeats). */
function scriptedClient(outcomes: TransactionOutcome[]): { client: DynamoDBDocumentClient; sent: unknown[] } {
  const sent: unknown[] = [];
  const send = async (command: unknown): Promise<object> => {
    const outcome = outcomes[Math.min(sent.length, outcomes.length - 1)];
    sent.push(command);
    if (outcome === 'ok') return {};
    throw transactionCancelled(outcome ?? 'conflict');
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, sent };
}

const command = new TransactWriteCommand({ TransactItems: [] });

describe('retryTransaction', () => {
  it('resolves undefined when the transaction commits at once, without waiting', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['ok']);
    const backOff = recordedBackOff();

    // Act
    const reasons = await retryTransaction(client, command, backOff);

    // Assert
    expect(reasons).toBeUndefined();
    expect(sent).toEqual([command]);
    expect(backOff.waits).toEqual([]);
  });

  it('retries the same command after each conflict until it commits, doubling the wait from 20 ms', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict', 'conflict', 'ok']);
    const backOff = recordedBackOff();

    // Act
    const reasons = await retryTransaction(client, command, backOff);

    // Assert
    expect(reasons).toBeUndefined();
    expect(sent).toEqual([command, command, command]);
    expect(backOff.waits).toEqual([20, 40]);
  });

  it('jitters each wait between zero and its exponential bound', async () => {
    // Arrange
    const { client } = scriptedClient(['conflict', 'conflict', 'ok']);
    const backOff = recordedBackOff(0.25);

    // Act
    await retryTransaction(client, command, backOff);

    // Assert
    expect(backOff.waits).toEqual([5, 10]);
  });

  it('resolves the cancellation reasons, one per item, when a retry finds a condition failing', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict', 'condition-failed']);

    // Act
    const reasons = await retryTransaction(client, command, recordedBackOff());

    // Assert
    expect(reasons).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]);
    expect(sent).toHaveLength(2);
  });

  it('gives up with WriteContentionError, caused by the last conflict, after eight conflicting attempts', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict']);
    const backOff = recordedBackOff();

    // Act
    const attempt = retryTransaction(client, command, backOff);

    // Assert: seven waits between eight attempts, doubling from 20 ms to 1.28 s
    const error = await attempt.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WriteContentionError);
    expect((error as Error).cause).toMatchObject({ name: 'TransactionCanceledException' });
    expect(sent).toHaveLength(8);
    expect(backOff.waits).toEqual([20, 40, 80, 160, 320, 640, 1_280]);
  });

  it('rethrows a cancellation that is neither a conflict nor a failed condition, without retrying', async () => {
    // Arrange
    const throttled = transactionCancelled('conflict');
    throttled.CancellationReasons = [{ Code: 'None' }, { Code: 'ThrottlingError' }];
    const sent: unknown[] = [];
    const client = {
      send: async (sentCommand: unknown) => {
        sent.push(sentCommand);
        throw throttled;
      },
    } as unknown as DynamoDBDocumentClient;

    // Act
    const attempt = retryTransaction(client, command, recordedBackOff());

    // Assert
    await expect(attempt).rejects.toBe(throttled);
    expect(sent).toHaveLength(1);
  });

  it('rethrows any other failure as it came, without retrying', async () => {
    // Arrange
    const unavailable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const backOff = recordedBackOff();
    const client = {
      send: async () => {
        throw unavailable;
      },
    } as unknown as DynamoDBDocumentClient;

    // Act
    const attempt = retryTransaction(client, command, backOff);

    // Assert
    await expect(attempt).rejects.toBe(unavailable);
    expect(backOff.waits).toEqual([]);
  });
});

describe('backOffAfterConflict', () => {
  it('waits a jittered 10 ms × 2^attempt after attempts one to seven', async () => {
    // Arrange
    const backOff = recordedBackOff(0.5);

    // Act
    for (let attempt = 1; attempt <= 7; attempt += 1) await backOffAfterConflict(attempt, new Error('x'), backOff);

    // Assert
    expect(backOff.waits).toEqual([10, 20, 40, 80, 160, 320, 640]);
  });

  it('throws WriteContentionError with the given cause after the eighth attempt, without waiting', async () => {
    // Arrange
    const backOff = recordedBackOff();
    const cause = new Error('the record kept changing');

    // Act
    const attempt = backOffAfterConflict(8, cause, backOff);

    // Assert
    await expect(attempt).rejects.toMatchObject({ name: 'WriteContentionError', cause });
    expect(backOff.waits).toEqual([]);
  });
});

describe('DynamoDB condition helpers', () => {
  it('tells a failed condition from a conflict, for single writes and for transaction items', () => {
    // Arrange
    const conditionFailed = singleWriteRefused('condition-failed');
    const conflict = singleWriteRefused('conflict');

    // Act + Assert
    expect([isConditionFailure(conditionFailed), isTransactionConflict(conditionFailed)]).toEqual([true, false]);
    expect([isConditionFailure(conflict), isTransactionConflict(conflict)]).toEqual([false, true]);
    expect([isConditionFailure('ConditionalCheckFailedException'), isTransactionConflict(undefined)]).toEqual([
      false,
      false,
    ]);
    expect(
      [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }, undefined].map(failedCondition),
    ).toEqual([true, false, false]);
  });

  it('describes cancellation reasons as their codes in item order, None where DynamoDB gave none', () => {
    // Act
    const description = describeCancellation([{ Code: 'None' }, {}, { Code: 'ConditionalCheckFailed' }]);

    // Assert
    expect(description).toBe('None, None, ConditionalCheckFailed');
  });
});
