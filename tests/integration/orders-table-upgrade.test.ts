import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTableIfMissing } from '../../src/data/create-table';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/data/dynamodb-client';
import { createTableInput } from '../../src/data/table-definition';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/local/dynamodb-local-process.mts';
import { testConfig } from '../helpers/test-environment';

// A developer's `.data/` keeps the table an earlier version created. The orders' status listing needs GSI2,
// so opening the local database adds what the table definition has and the old table lacks.
//
// A DynamoDB Local of its own: the shared one builds a new index in ~0.5 s alone, but under the whole suite's
// tables and traffic its background back-fill took over a minute.
describe('createTableIfMissing on a table made before GSI2', () => {
  const tableName = `upgrade-${randomUUID()}`;
  let database: EmbeddedDynamoDb;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    database = await startEmbeddedDynamoDb({ dbPath: undefined });
    client = createDocumentClient({ ...testConfig().dynamodb, endpoint: database.endpoint, requestTimeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await client?.send(new DeleteTableCommand({ TableName: tableName }));
    client?.destroy();
    await database?.stop();
  });

  it('adds the missing index, back-filled with the items already stored, and leaves the rest alone', async () => {
    // Arrange: the table as it was, with GSI1 only, and an order already in it
    const current = createTableInput(tableName);
    await client.send(
      new CreateTableCommand({
        ...current,
        AttributeDefinitions: current.AttributeDefinitions?.filter(
          (attribute) => !attribute.AttributeName?.startsWith('GSI2'),
        ),
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.filter((index) => index.IndexName === 'GSI1'),
      }),
    );
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: 'ORDER#1', SK: 'ORDER', GSI2PK: 'ORDERS#u#pending', GSI2SK: 't#1' },
      }),
    );

    // Act
    const outcome = await createTableIfMissing(client, tableName);

    // Assert
    expect(outcome).toBe('exists');
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(
      described.Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus]).sort(),
    ).toEqual([
      ['GSI1', 'ACTIVE'],
      ['GSI2', 'ACTIVE'],
    ]);
    const found = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :p',
        ExpressionAttributeValues: { ':p': 'ORDERS#u#pending' },
      }),
    );
    expect(found.Items).toEqual([expect.objectContaining({ PK: 'ORDER#1' })]);
    expect(await createTableIfMissing(client, tableName)).toBe('exists');
    // DynamoDB Local builds the index in the background; on a loaded machine that takes more than the default.
  }, 60_000);
});
