import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/local/dynamodb-local-process.mts';
import { createDocumentClient } from '../../src/data/dynamodb-client';
import { createTableIfMissing } from '../../src/data/create-table';
import { TEST_TABLE_NAME } from './test-table';

declare global {
  var embeddedDynamoDb: EmbeddedDynamoDb | undefined;
}

/**
 * Starts ONE in-memory DynamoDB Local for the whole run on a free port, and creates the test table.
 * Workers inherit the endpoint through the environment (they are spawned after this runs).
 */
export default async function globalSetup(): Promise<void> {
  const dynamodb = await startEmbeddedDynamoDb({ dbPath: undefined });
  globalThis.embeddedDynamoDb = dynamodb;
  process.env['TEST_DYNAMODB_ENDPOINT'] = dynamodb.endpoint;
  const client = createDocumentClient({
    endpoint: dynamodb.endpoint,
    region: 'us-east-1',
    tableName: TEST_TABLE_NAME,
    useLocalCredentials: true,
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    maxAttempts: 3,
  });
  await createTableIfMissing(client, TEST_TABLE_NAME);
  client.destroy();
}
