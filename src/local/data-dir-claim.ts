import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { answersAsDynamoDbLocal } from './dynamodb-local-process.mts';
import { ensurePrivateDirectory } from './private-files.mts';
import { processStartStamp } from './process-identity';

/**
 * Two DynamoDB Local processes on one database folder would corrupt it. So whoever starts the embedded
 * DynamoDB Local on `DATA_DIR/dynamodb` (`npm start`, or `npm run create-admin` when no server runs) first
 * claims it in this file, announces the endpoint there once the database answers, and removes the file
 * when it stops. Everyone else finds the file: a second server refuses to start, create-admin uses the
 * announced endpoint.
 */
export function runningDynamoDbFile(dataDir: string): string {
  return join(dataDir, 'dynamodb-endpoint.json');
}

/**
 * The file's content: who holds the database (its PID and that process's start stamp, so a PID reused by
 * another process after a crash or reboot is not mistaken for the holder), and its endpoint once it
 * answers (absent while starting).
 */
interface Announcement {
  readonly pid: number;
  readonly started?: string;
  readonly endpoint?: string;
}

/** DATA_DIR's database, held by this process. */
export interface DataDirClaim {
  /** Tells the others where the database answers. */
  announce(endpoint: string): void;
  /** Gives the database up (after stopping it). */
  release(): void;
}

/**
 * Claims the database under `dataDir` for process `pid`, before anything starts on it. The file is created
 * atomically and exclusively, so of two processes claiming at once exactly one succeeds. `undefined` when
 * a live process holds it. A claim left by a process that is gone (killed, crashed, a zombie, or its PID
 * now another process's) is taken over.
 */
export function claimDataDir(dataDir: string, pid: number = process.pid): DataDirClaim | undefined {
  const file = runningDynamoDbFile(dataDir);
  ensurePrivateDirectory(dataDir);
  const started = processStartStamp(pid) ?? undefined;
  const holder: Announcement = started === undefined ? { pid } : { pid, started };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (createExclusively(file, holder)) {
      return {
        announce: (endpoint) => replaceAtomically(file, { ...holder, endpoint }),
        release: () => {
          if (readAnnouncement(file)?.pid === pid) rmSync(file, { force: true });
        },
      };
    }
    const current = readAnnouncement(file);
    if (current !== undefined && isRunning(current)) return undefined;
    // Left behind by a process that is gone. (Two processes taking over the same stale claim at the same
    // instant could both succeed; that needs a crash followed by two simultaneous starts.)
    rmSync(file, { force: true });
  }
  return undefined;
}

/** The live process holding the database under `dataDir`, or `undefined` when none does. */
export function findDataDirHolder(dataDir: string): { readonly pid: number } | undefined {
  const holder = readAnnouncement(runningDynamoDbFile(dataDir));
  return holder !== undefined && isRunning(holder) ? { pid: holder.pid } : undefined;
}

/**
 * The endpoint of the DynamoDB Local another live process runs on `dataDir`'s database, once it answers
 * as DynamoDB Local (waiting up to `startTimeoutMs` while that process is still starting it); `undefined`
 * when no live process holds it, or its endpoint does not answer as DynamoDB Local.
 */
export async function findRunningDynamoDb(
  dataDir: string,
  options: { readonly startTimeoutMs?: number } = {},
): Promise<string | undefined> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const holder = readAnnouncement(runningDynamoDbFile(dataDir));
    if (holder === undefined || !isRunning(holder)) return undefined;
    if (holder.endpoint !== undefined) {
      return isLoopbackHttp(holder.endpoint) && (await answersAsDynamoDbLocal(holder.endpoint))
        ? holder.endpoint
        : undefined;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(100);
  }
}

// Only ever a loopback address: the file must not be able to send credentials-bearing calls elsewhere.
function isLoopbackHttp(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function readAnnouncement(file: string): Announcement | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, started, endpoint } = parsed as { pid?: unknown; started?: unknown; endpoint?: unknown };
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return {
    pid,
    ...(typeof started === 'string' ? { started } : {}),
    ...(typeof endpoint === 'string' ? { endpoint } : {}),
  };
}

// Written aside, then linked into place: link() fails if the file exists, and readers never see half of it.
function createExclusively(file: string, announcement: Announcement): boolean {
  const aside = writeAside(file, announcement);
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function replaceAtomically(file: string, announcement: Announcement): void {
  renameSync(writeAside(file, announcement), file);
}

function writeAside(file: string, announcement: Announcement): string {
  const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(aside, `${JSON.stringify(announcement)}\n`, { mode: 0o600, flag: 'wx' });
  return aside;
}

/**
 * Whether the process that wrote `announcement` still runs: its PID runs and has the recorded start stamp.
 * A claim without a stamp (written by an earlier version) cannot be verified and counts as stale. Where the
 * platform cannot tell start stamps (Windows), a running PID has to do.
 */
function isRunning(announcement: Announcement): boolean {
  const started = processStartStamp(announcement.pid);
  if (started === null) return isAlive(announcement.pid);
  return started !== undefined && started === announcement.started;
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
