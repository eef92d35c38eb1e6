import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbOrderRepository } from '../../src/data/dynamodb-order-repository';
import { WriteContentionError } from '../../src/domain/errors';
import type { StoredOrder } from '../../src/domain/order';
import { IdempotencyKeyInProgressError } from '../../src/domain/order-errors';
import type { IdempotencyClaim } from '../../src/domain/order-repository';
import {
  recordedBackOff,
  singleWriteRefused,
  transactionCancelled,
  type TransactionOutcome,
} from '../helpers/scripted-dynamodb';

// Real DynamoDB answers TransactionConflict when a write meets an item inside another transaction (here: a
// claim meeting the record a first request is completing). The back-off itself is proven once, in
// transaction-retry.test.ts; these tests prove that the repository retries where it must and maps the outcome.
function scriptedClient(outcomes: TransactionOutcome[]): { client: DynamoDBDocumentClient; sent: object[] } {
  const sent: object[] = [];
  const send = async (command: object): Promise<object> => {
    const outcome = outcomes[Math.min(sent.length, outcomes.length - 1)] ?? 'ok';
    sent.push(command);
    if (outcome === 'ok') return {};
    if (command instanceof PutCommand) throw singleWriteRefused(outcome);
    if (command instanceof TransactWriteCommand) throw transactionCancelled(outcome);
    throw new Error('unexpected command');
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, sent };
}

const claim: IdempotencyClaim = {
  userId: '11111111-1111-4111-8111-111111111111',
  key: 'k',
  payloadHash: 'h',
  orderId: '22222222-2222-4222-8222-222222222222',
  inProgressExpiresAtMs: 2_000,
  expiresAtSeconds: 100_000,
};

const order: StoredOrder = {
  id: claim.orderId,
  userId: claim.userId,
  items: [{ sku: 'A', quantity: 1, unitPrice: 1 }],
  currency: 'EUR',
  total: 1,
  status: 'pending',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
};

describe('DynamoDbOrderRepository under transaction conflicts', () => {
  it('retries a claim that met the record inside another transaction, with exponential back-off', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict', 'conflict', 'ok']);
    const timing = recordedBackOff();

    // Act
    const outcome = await new DynamoDbOrderRepository(client, 'table', timing).claimIdempotencyKey(claim, 1_000);

    // Assert
    expect(outcome).toEqual({ claimed: true });
    expect(sent).toHaveLength(3);
    expect(timing.waits).toEqual([20, 40]);
  });

  it('retries the create-and-complete transaction on TransactionConflict, with the order id as its idempotency token', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict', 'ok']);

    // Act
    await new DynamoDbOrderRepository(client, 'table', recordedBackOff()).createCompletingClaim(order, claim);

    // Assert
    expect(sent).toHaveLength(2);
    for (const command of sent) expect((command as TransactWriteCommand).input.ClientRequestToken).toBe(order.id);
  });

  it('gives up on a claim with WriteContentionError after 8 conflicting attempts', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict']);

    // Act
    const attempt = new DynamoDbOrderRepository(client, 'table', recordedBackOff()).claimIdempotencyKey(claim, 1_000);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    expect(sent).toHaveLength(8);
  });

  it('gives up on the create-and-complete transaction with WriteContentionError after 8 attempts', async () => {
    // Arrange
    const { client, sent } = scriptedClient(['conflict']);

    // Act
    const attempt = new DynamoDbOrderRepository(client, 'table', recordedBackOff()).createCompletingClaim(order, claim);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    expect(sent).toHaveLength(8);
  });

  it('reports a claim lost meanwhile (its condition failed) as the key being in progress', async () => {
    // Arrange
    const { client } = scriptedClient(['condition-failed']);

    // Act
    const attempt = new DynamoDbOrderRepository(client, 'table', recordedBackOff()).createCompletingClaim(order, claim);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyInProgressError);
  });
});
