// The DynamoDB Local a benchmark talks to, with the app's table in it: the one at `--dynamodb-endpoint` when the
// caller names one (the test suite passes its own, to save a JVM start), else one started for the run, in memory.
import { createTableIfMissing } from '../../src/data/create-table';
import { createDocumentClient } from '../../src/data/dynamodb-client';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/local/dynamodb-local-process.mts';

export interface BenchDatabase {
  readonly endpoint: string;
  /** Stops the DynamoDB Local this run started; one the caller named is left running. */
  stop(): Promise<void>;
}

export interface BenchDatabaseOptions {
  /** A running DynamoDB Local (`--dynamodb-endpoint`), or undefined to start one. */
  readonly endpoint: string | undefined;
  readonly tableName: string;
  readonly region: string;
  readonly progress: (line: string) => void;
}

export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  let started: EmbeddedDynamoDb | undefined;
  if (options.endpoint === undefined) {
    options.progress('starting DynamoDB Local');
    started = await startEmbeddedDynamoDb({ dbPath: undefined });
  }
  const endpoint = options.endpoint ?? started?.endpoint ?? '';
  const client = createDocumentClient({
    endpoint,
    region: options.region,
    tableName: options.tableName,
    useLocalCredentials: true,
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    maxAttempts: 3,
  });
  try {
    await createTableIfMissing(client, options.tableName);
  } catch (error) {
    await started?.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    async stop() {
      await started?.stop();
    },
  };
}
