import { join } from 'node:path';
import type { Config, DynamoDbConfig } from '../config';
import { createTableIfMissing } from '../data/create-table';
import { createDocumentClient } from '../data/dynamodb-client';
import { claimDataDir, findDataDirHolder, findRunningDynamoDb, runningDynamoDbFile } from './data-dir-claim';
import { startEmbeddedDynamoDb } from './dynamodb-local-process.mts';

// The database of the local hosts (`npm start`, `npm run create-admin`): DYNAMODB_ENDPOINT when set, otherwise
// the embedded DynamoDB Local under DATA_DIR (claimed, then started or reused), with the app's table in it.

/**
 * The one timeout policy of local tooling: a DynamoDB Local that has just started (a cold JVM) can take
 * longer to answer than the tight timeouts that protect live requests, and failing a boot or a one-off
 * command for that would be wrong. Used to create the table, and by create-admin for its work.
 */
export function withPatientTimeouts(dynamodb: DynamoDbConfig): DynamoDbConfig {
  return {
    ...dynamodb,
    connectTimeoutMs: Math.max(dynamodb.connectTimeoutMs, 3_000),
    requestTimeoutMs: Math.max(dynamodb.requestTimeoutMs, 15_000),
    maxAttempts: Math.max(dynamodb.maxAttempts, 3),
  };
}

/** The local host's database, ready to serve. */
export interface LocalDatabase {
  /** `config` with the endpoint to use (unchanged when DYNAMODB_ENDPOINT was set). */
  readonly config: Config;
  /** Whether the table was created just now (a fresh DATA_DIR or DynamoDB Local). */
  readonly tableCreated: boolean;
  /** Stops the DynamoDB Local this process started, if it started one; otherwise does nothing. */
  stop(): Promise<void>;
}

/**
 * Opens the local hosts' database: selects it (`useEmbeddedDynamoDbIfNeeded` below), then creates the table
 * when the database is a local one (the embedded DynamoDB Local, or an emulator at DYNAMODB_ENDPOINT used
 * without AWS credentials). In AWS the table belongs to the stack and is never created here. On failure
 * nothing is left running.
 *
 * @example
 * const report = (line: string) => process.stderr.write(`${line}\n`);
 * const database = await openLocalDatabase(config, { whenInUse: 'refuse', report });
 * // … serve with database.config …
 * await database.stop();
 */
export async function openLocalDatabase(config: Config, options: UseEmbeddedDynamoDbOptions): Promise<LocalDatabase> {
  const ownsTable = config.dynamodb.endpoint === undefined || config.dynamodb.useLocalCredentials;
  const database = await useEmbeddedDynamoDbIfNeeded(config, options);
  if (!ownsTable) return { ...database, tableCreated: false };
  const client = createDocumentClient(withPatientTimeouts(database.config.dynamodb));
  try {
    const outcome = await createTableIfMissing(client, database.config.dynamodb.tableName);
    return { ...database, tableCreated: outcome === 'created' };
  } catch (error) {
    await database.stop();
    throw error;
  } finally {
    client.destroy();
  }
}

/** The DynamoDB a local process works with (its table not yet checked), and how to let go of it. */
interface LocalDynamoDb {
  /** `config` with the endpoint to use (unchanged when DYNAMODB_ENDPOINT was set). */
  readonly config: Config;
  /** Stops the DynamoDB Local this process started, if it started one; otherwise does nothing. */
  stop(): Promise<void>;
}

export interface UseEmbeddedDynamoDbOptions {
  /**
   * When another live process holds DATA_DIR's database: `use` its DynamoDB Local (a one-off command such
   * as create-admin), or `refuse` (a second server) with {@link DataDirInUseError}.
   */
  readonly whenInUse: 'use' | 'refuse';
  /** Told what happens ("Starting the embedded DynamoDB Local…"), one line at a time. */
  readonly report: (line: string) => void;
}

/** Another live process holds the DynamoDB Local database under DATA_DIR. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number | undefined) {
    const holder =
      pid === undefined
        ? ''
        : ` (process ${pid}, an npm start or npm run create-admin, per ${runningDynamoDbFile(dataDir)})`;
    super(
      `Another lambdalith server is already running on ${dataDir}${holder}. ` +
        'Stop it, or start this one with another DATA_DIR (or DYNAMODB_ENDPOINT).',
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * With DYNAMODB_ENDPOINT set, that endpoint. Otherwise the embedded DynamoDB Local on `DATA_DIR/dynamodb`:
 * the one another process already runs there (`whenInUse: 'use'`), or one this process starts, after
 * claiming the folder, and announces until `stop()`. Throws {@link DataDirInUseError} (`refuse`, or a
 * holder whose database does not answer) and JavaNotFoundError.
 */
async function useEmbeddedDynamoDbIfNeeded(
  config: Config,
  options: UseEmbeddedDynamoDbOptions,
): Promise<LocalDynamoDb> {
  if (config.dynamodb.endpoint !== undefined) return { config, stop: async () => undefined };
  const { dataDir } = config;

  // Claimed before starting, so a process arriving while the JVM starts finds the claim and never opens a
  // second database on the folder. A holder that exits between our two looks gets a second look.
  for (let attempt = 1; ; attempt += 1) {
    const claim = claimDataDir(dataDir);
    if (claim === undefined) {
      const holder = findDataDirHolder(dataDir);
      if (options.whenInUse === 'refuse') throw new DataDirInUseError(dataDir, holder?.pid);
      const endpoint = await findRunningDynamoDb(dataDir);
      if (endpoint !== undefined) {
        options.report(`Using the DynamoDB Local of the running server (${endpoint}).`);
        return { config: withDynamoDbEndpoint(config, endpoint), stop: async () => undefined };
      }
      if (findDataDirHolder(dataDir) !== undefined || attempt >= 3) throw new DataDirInUseError(dataDir, holder?.pid);
      continue;
    }

    const dbPath = join(dataDir, 'dynamodb');
    options.report(`Starting the embedded DynamoDB Local (data in ${dbPath})…`);
    const embedded = await startEmbeddedDynamoDb({ dbPath }).catch((error: unknown) => {
      claim.release();
      throw error;
    });
    claim.announce(embedded.endpoint);
    return {
      config: withDynamoDbEndpoint(config, embedded.endpoint),
      // The database first, then the claim: nobody may start another on the folder while this one still runs.
      stop: async () => {
        try {
          await embedded.stop();
        } finally {
          claim.release();
        }
      },
    };
  }
}

/** `config` pointed at a DynamoDB Local endpoint, which takes the fixed local credentials. */
function withDynamoDbEndpoint(config: Config, endpoint: string): Config {
  return Object.freeze({
    ...config,
    dynamodb: Object.freeze({ ...config.dynamodb, endpoint, useLocalCredentials: true }),
  });
}
