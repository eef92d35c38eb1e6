import {
  CreateTableCommand,
  UpdateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { createTableInput, tableDefinition } from './table-definition';

/**
 * Creates the application table (and its TTL setting) when it does not exist yet. For DynamoDB Local
 * only: in AWS the table belongs to the CloudFormation stack.
 */
export async function createTableIfMissing(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'exists'> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(
      client,
      tableName,
      described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName ?? '') ?? [],
    );
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

// Back-filling an index of a large local table takes a while; a wait past this is a stuck database.
const INDEX_ACTIVE_TIMEOUT_MS = 60_000;

/**
 * Adds the indexes of the table definition that a table made by an earlier version lacks (a `.data/` kept
 * from before GSI2 existed), one at a time as DynamoDB requires, and waits until each is ACTIVE.
 */
async function addMissingIndexes(
  client: DynamoDBDocumentClient,
  tableName: string,
  present: readonly string[],
): Promise<void> {
  const definition = createTableInput(tableName);
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    if (index.IndexName === undefined || present.includes(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } },
        ],
      }),
    );
    const deadline = Date.now() + INDEX_ACTIVE_TIMEOUT_MS;
    for (;;) {
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const added = described.Table?.GlobalSecondaryIndexes?.find(
        (candidate) => candidate.IndexName === index.IndexName,
      );
      if (added?.IndexStatus === 'ACTIVE') break;
      if (Date.now() >= deadline) {
        throw new Error(
          `index ${index.IndexName} of table ${tableName} did not become ACTIVE within ${INDEX_ACTIVE_TIMEOUT_MS / 1000} s`,
        );
      }
      await delay(100);
    }
  }
}
