import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { answersAsDynamoDbLocal } from '../../src/local/dynamodb-local-process.mts';
import { claimDataDir, findRunningDynamoDb, runningDynamoDbFile } from '../../src/local/data-dir-claim';
import { DataDirInUseError, openLocalDatabase } from '../../src/local/local-database';
import { localTestEnv, testDynamoDbEndpoint } from '../helpers/test-environment';

// These never start a JVM: the "other process" is this one (alive by definition), holding a claim or
// announcing the tests' DynamoDB Local, or a pid that cannot be alive.
const GONE_PID = 2 ** 22 + 1;

function embeddedConfig(dataDir: string): Config {
  const { DYNAMODB_ENDPOINT: _endpoint, ...env } = localTestEnv({ DATA_DIR: dataDir });
  return loadConfig(env, { stdoutIsTty: false });
}

function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'lambdalith-local-db-'));
}

const quiet = { report: () => undefined };

describe('openLocalDatabase: which DynamoDB it opens', () => {
  it('uses DYNAMODB_ENDPOINT as it is, claiming nothing', async () => {
    // Arrange
    const dataDir = freshDataDir();
    const config = loadConfig(localTestEnv({ DATA_DIR: dataDir }), { stdoutIsTty: false });

    // Act
    const database = await openLocalDatabase(config, { whenInUse: 'refuse', ...quiet });

    // Assert
    expect(database.config).toBe(config);
    expect(existsSync(runningDynamoDbFile(dataDir))).toBe(false);
  });

  it('refuses a DATA_DIR whose database another process is still starting (claimed, no endpoint yet)', async () => {
    // Arrange
    const dataDir = freshDataDir();
    const claim = claimDataDir(dataDir);

    // Act
    const attempt = openLocalDatabase(embeddedConfig(dataDir), { whenInUse: 'refuse', ...quiet });

    // Assert
    await expect(attempt).rejects.toThrow(DataDirInUseError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`Another lambdalith server is already running on ${dataDir} \\(process ${process.pid}`),
    );
    claim?.release();
  });

  it("uses the running process's DynamoDB Local, pointed at with the local credentials, and leaves it running", async () => {
    // Arrange
    const dataDir = freshDataDir();
    const reported: string[] = [];
    const running = claimDataDir(dataDir);
    running?.announce(testDynamoDbEndpoint());

    // Act
    const database = await openLocalDatabase(embeddedConfig(dataDir), {
      whenInUse: 'use',
      report: (line) => reported.push(line),
    });
    await database.stop();

    // Assert: still announced (stop() leaves another process's database alone) until its holder releases it
    expect(database.config.dynamodb).toMatchObject({ endpoint: testDynamoDbEndpoint(), useLocalCredentials: true });
    expect(reported).toEqual([`Using the DynamoDB Local of the running server (${testDynamoDbEndpoint()}).`]);
    expect(existsSync(runningDynamoDbFile(dataDir))).toBe(true);
    running?.release();
    expect(existsSync(runningDynamoDbFile(dataDir))).toBe(false);
  });
});

describe('claimDataDir', () => {
  it('gives the database to exactly one claimant, and to the next once released', () => {
    // Arrange
    const dataDir = freshDataDir();

    // Act
    const first = claimDataDir(dataDir);
    const second = claimDataDir(dataDir);
    first?.release();
    const third = claimDataDir(dataDir);

    // Assert
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(third).toBeDefined();
    third?.release();
  });

  it('takes over a claim left by a process that is gone', () => {
    // Arrange
    const dataDir = freshDataDir();
    claimDataDir(dataDir, GONE_PID);

    // Act
    const claim = claimDataDir(dataDir);

    // Assert
    expect(claim).toBeDefined();
    claim?.release();
  });
});

describe('findRunningDynamoDb', () => {
  it('ignores an announced endpoint that answers HTTP but not as DynamoDB Local', async () => {
    // Arrange: whatever took the port after the database stopped answers 400 too, without DynamoDB's request id
    const foreign = createServer((_req, res) => res.writeHead(400).end());
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const dataDir = freshDataDir();
    const running = claimDataDir(dataDir);
    running?.announce(endpoint);

    try {
      // Act
      const found = await findRunningDynamoDb(dataDir);

      // Assert
      expect(found).toBeUndefined();
      expect(await answersAsDynamoDbLocal(testDynamoDbEndpoint())).toBe(true);
    } finally {
      running?.release();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });

  it('waits for a database that is starting and returns its endpoint once announced', async () => {
    // Arrange
    const dataDir = freshDataDir();
    const claim = claimDataDir(dataDir);

    // Act: the announcement comes after the search has begun waiting
    const found = findRunningDynamoDb(dataDir);
    claim?.announce(testDynamoDbEndpoint());

    // Assert
    await expect(found).resolves.toBe(testDynamoDbEndpoint());
    claim?.release();
  });
});
