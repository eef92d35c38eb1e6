import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '@lambdalith/middleware';
import { createTableInput, tableDefinition } from './table-definition';

/**
 * Creates the application table (and its TTL setting) when it does not exist yet. For DynamoDB Local
 * only: in AWS the table belongs to the CloudFormation stack.
 */
export async function createTableIfMissing(client: DynamoDBDocumentClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    // Another process (a second test worker, say) created it first: that is the outcome we wanted.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    }),
  );
  return 'created';
}

/** A readiness probe: resolves when the table answers and is ACTIVE, throws a 503 problem otherwise. */
export type ReadinessCheck = () => Promise<void>;

export function tableReadiness(client: DynamoDBDocumentClient, tableName: string): ReadinessCheck {
  return async function checkTableIsActive() {
    let status: string | undefined;
    try {
      const result = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = result.Table?.TableStatus;
    } catch (error) {
      throw new ServiceUnavailableError('The database is not reachable', { cause: error, retryAfterSeconds: 2 });
    }
    if (status !== 'ACTIVE') {
      throw new ServiceUnavailableError('The database table is not ready', { retryAfterSeconds: 2 });
    }
  };
}
