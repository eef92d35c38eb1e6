import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedDynamoDb } from './embedded-dynamodb';

/**
 * `npm start` owns the embedded DynamoDB Local on `DATA_DIR/dynamodb`, and two DynamoDB Local processes on
 * one database folder would corrupt it. So while it runs, the server writes the endpoint here, and local
 * tools (`npm run create-admin`) use that endpoint instead of starting a second instance.
 */
export function runningDynamoDbFile(dataDir: string): string {
  return join(dataDir, 'dynamodb-endpoint.json');
}

interface Announcement {
  readonly endpoint: string;
  readonly pid: number;
}

/** Announces `embedded` under `dataDir` until it is stopped; the returned instance removes the file on stop. */
export function announceRunningDynamoDb(dataDir: string, embedded: EmbeddedDynamoDb, pid: number = process.pid): EmbeddedDynamoDb {
  const file = runningDynamoDbFile(dataDir);
  const announcement: Announcement = { endpoint: embedded.endpoint, pid };
  writeFileSync(file, `${JSON.stringify(announcement)}\n`, { mode: 0o600 });
  return {
    endpoint: embedded.endpoint,
    async stop() {
      rmSync(file, { force: true });
      await embedded.stop();
    },
  };
}

/**
 * The endpoint of the DynamoDB Local a running `npm start` announced under `dataDir`, if that process is
 * alive and the endpoint answers; `undefined` otherwise (a file left by a killed server is ignored).
 */
export async function findRunningDynamoDb(dataDir: string): Promise<string | undefined> {
  let announcement: Partial<Announcement>;
  try {
    announcement = JSON.parse(readFileSync(runningDynamoDbFile(dataDir), 'utf8')) as Partial<Announcement>;
  } catch {
    return undefined;
  }
  const { endpoint, pid } = announcement;
  if (typeof endpoint !== 'string' || typeof pid !== 'number' || !isAlive(pid)) return undefined;
  try {
    const url = new URL(endpoint);
    // Only ever a loopback address: the file must not be able to send credentials-bearing calls elsewhere.
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
    // Any HTTP answer means DynamoDB Local is up (it answers an unsigned GET with 400).
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return endpoint;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
