import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/data/dynamodb-client';

// `npm start` as a process: the built dist/server.js on Node 24 (jest runs on it), with its own embedded
// DynamoDB Local under a temporary DATA_DIR.
const root = resolve(__dirname, '../..');
const serverScript = join(root, 'dist/server.js');

interface RunningServer {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  readonly dynamodbEndpoint: string;
  output(): string;
}

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'INFO',
  };
}

async function startServer(dataDir: string): Promise<RunningServer> {
  const child = spawn(process.execPath, [serverScript], {
    cwd: root,
    env: baseEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const listening = /listening on (http:\/\/[\d.:]+)/.exec(output);
    const endpoint = /"dynamodb":"(http:\/\/[\d.:]+)"/.exec(output);
    if (listening?.[1] !== undefined && endpoint?.[1] !== undefined) {
      return { process: child, baseUrl: listening[1], dynamodbEndpoint: endpoint[1], output: () => output };
    }
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${output}`);
}

function readOutput(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
}

/** PIDs of processes whose command line mentions `text` (the DynamoDB Local JVM names its dbPath). */
function processesMentioning(text: string): string[] {
  const result = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((pid) => pid.trim() !== '' && Number(pid) !== process.pid);
}

async function waitUntilNoProcessMentions(text: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = processesMentioning(text);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = processesMentioning(text);
  }
  return left;
}

function documentClientFor(endpoint: string): ReturnType<typeof createDocumentClient> {
  return createDocumentClient({
    endpoint,
    region: 'us-east-1',
    tableName: 'lambdalith',
    useLocalCredentials: true,
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    maxAttempts: 2,
  });
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build.mts'), 'local'], { cwd: root, stdio: 'pipe' });
}, 60_000);

describe('npm start (dist/server.js)', () => {
  it('serves /health and /health/ready, stops on SIGINT with exit 0 and no DynamoDB Local left, and keeps data for the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const first = await startServer(dataDir);
    const health = await fetch(`${first.baseUrl}/health`);
    const ready = await fetch(`${first.baseUrl}/health/ready`);
    const writer = documentClientFor(first.dynamodbEndpoint);
    await writer.send(
      new PutCommand({ TableName: 'lambdalith', Item: { PK: 'TEST#persist', SK: 'ITEM', value: 'kept' } }),
    );
    writer.destroy();

    first.process.kill('SIGINT');
    const firstExit = await exitOf(first.process);
    const leftAfterStop = processesMentioning(dataDir);
    const second = await startServer(dataDir);
    const reader = documentClientFor(second.dynamodbEndpoint);
    const stored = await reader.send(
      new GetCommand({ TableName: 'lambdalith', Key: { PK: 'TEST#persist', SK: 'ITEM' } }),
    );
    reader.destroy();
    second.process.kill('SIGTERM');
    const secondExit = await exitOf(second.process);

    expect({ health: health.status, ready: ready.status }).toEqual({ health: 200, ready: 200 });
    expect(firstExit).toEqual({ code: 0, signal: null });
    expect(leftAfterStop).toEqual([]);
    expect(stored.Item).toMatchObject({ value: 'kept' });
    expect(secondExit).toEqual({ code: 0, signal: null });
    expect(await waitUntilNoProcessMentions(dataDir, 5_000)).toEqual([]);
  }, 120_000);

  it('finishes a request that is in flight when SIGINT arrives, closes its connection, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const server = await startServer(dataDir);
    const body = JSON.stringify({
      email: `inflight-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      name: 'In Flight',
    });

    // `Expect: 100-continue` makes the server say when it has the request (it answers 100 once the headers
    // are parsed): SIGINT goes out exactly then, with the registration (a ~0.4 s password hash) still ahead.
    const response = await new Promise<{ status: number | undefined; connection: string | undefined; body: string }>(
      (resolveResponse, reject) => {
        const registration = httpRequest(`${server.baseUrl}/auth/register`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
          },
        });
        registration.once('continue', () => {
          server.process.kill('SIGINT');
          registration.end(body);
        });
        registration.once('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolveResponse({ status: res.statusCode, connection: res.headers.connection, body: text }),
          );
        });
        registration.once('error', reject);
      },
    );
    const exit = await exitOf(server.process);

    expect(response).toMatchObject({ status: 201, connection: 'close' });
    expect(JSON.parse(response.body)).toMatchObject({ name: 'In Flight' });
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('refuses to start a second server on a DATA_DIR that a running one uses', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const first = await startServer(dataDir);
    const second = spawn(process.execPath, [serverScript], {
      cwd: root,
      env: baseEnv(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const secondExit = await exitOf(second);
    const firstHealth = await fetch(`${first.baseUrl}/health/ready`);
    first.process.kill('SIGINT');
    await exitOf(first.process);

    expect(secondExit.code).toBe(1);
    expect(stderr).toMatch(/Another lambdalith server is already running on .*another DATA_DIR/);
    expect(firstHealth.status).toBe(200);
  }, 120_000);

  it('leaves no DynamoDB Local behind when the server itself is killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const server = await startServer(dataDir);

    server.process.kill('SIGKILL');
    await exitOf(server.process);

    expect(await waitUntilNoProcessMentions(dataDir, 15_000)).toEqual([]);
  }, 120_000);

  it('stops itself and its DynamoDB Local when the process that started it dies (npm does not forward SIGTERM)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const outputFile = join(dataDir, 'server.log');
    // A stand-in for npm: a parent that starts the server, then is killed without passing anything on.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process'); const fs = require('node:fs');
         const out = fs.openSync(${JSON.stringify(outputFile)}, 'a');
         spawn(process.execPath, [${JSON.stringify(serverScript)}], { stdio: ['ignore', out, out] });
         setInterval(() => {}, 1000);`,
      ],
      { cwd: root, env: baseEnv(dataDir), stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    while (!/listening on/.test(readOutput(outputFile)) && Date.now() < deadline) await sleep(100);

    parent.kill('SIGKILL');
    await exitOf(parent);

    expect(await waitUntilNoProcessMentions(dataDir, 20_000)).toEqual([]);
    expect(readOutput(outputFile)).toMatch(
      /the process that started this server exited: finishing in-flight requests[\s\S]*"message":"stopped"/,
    );
  }, 120_000);

  it('exits 1 with one clear line when the port is taken, and stops its DynamoDB Local', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const blocker = createNetServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, '127.0.0.1', resolveListen));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const child = spawn(process.execPath, [serverScript], {
      cwd: root,
      env: { ...baseEnv(dataDir), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const exit = await exitOf(child);
    blocker.close();

    expect(exit.code).toBe(1);
    expect(stderr).toMatch(new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} \\(already in use\\)\\. Set PORT`));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dataDir, 'dynamodb-endpoint.json'))).toBe(false);
    expect(await waitUntilNoProcessMentions(join(dataDir, 'dynamodb'), 10_000)).toEqual([]);
  }, 120_000);

  it('exits 1 with a message naming both ways out when Java is not installed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const child = spawn(process.execPath, [serverScript], {
      cwd: root,
      env: { ...baseEnv(dataDir), PATH: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const exit = await exitOf(child);

    expect(exit.code).toBe(1);
    expect(stderr).toMatch(/needs Java/);
    expect(stderr).toMatch(/DYNAMODB_ENDPOINT/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('exits 1 naming an invalid variable, without printing its value, before starting anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-server-'));
    const child = spawn(process.execPath, [serverScript], {
      cwd: root,
      env: { ...baseEnv(dataDir), PORT: 'not-a-port', JWT_SECRET: 'too-short-secret-value' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const exit = await exitOf(child);

    expect(exit.code).toBe(1);
    expect(stderr).toMatch(/PORT must be an integer/);
    expect(stderr).toMatch(/JWT_SECRET must be at least 32 bytes/);
    expect(stderr).not.toContain('too-short-secret-value');
    expect(stderr).not.toContain('not-a-port');
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 60_000);

  // Issue 9 items 2, 11 and 13 through the built server, as `npm start` runs it.
  it('starts despite a stale DATA_DIR claim naming a PID now used by another process, keeps DATA_DIR private, and its DynamoDB Local answers on loopback only', async () => {
    // Arrange: DATA_DIR left 0755 by an older version, with the claim of a server that crashed before a
    // reboot; its PID now belongs to a running process that is not a lambdalith server (this test's own).
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-server-')), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(
      join(dataDir, 'dynamodb-endpoint.json'),
      JSON.stringify({ pid: process.pid, endpoint: 'http://127.0.0.1:9' }),
    );
    const otherAddresses = Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .filter((entry) => !entry.internal && entry.family === 'IPv4')
      .map((entry) => entry.address);
    const reaches = (host: string, port: number): Promise<boolean> =>
      new Promise((resolveReach) => {
        const socket = connect({ host, port, timeout: 2_000 });
        const settle = (reached: boolean): void => {
          socket.destroy();
          resolveReach(reached);
        };
        socket.once('connect', () => settle(true));
        socket.once('timeout', () => settle(false));
        socket.once('error', () => settle(false));
      });

    // Act
    const server = await startServer(dataDir);
    const port = Number(new URL(server.dynamodbEndpoint).port);
    const reached = await Promise.all(
      [...otherAddresses, '127.0.0.2'].map(async (address) => ({ address, reached: await reaches(address, port) })),
    );
    const modes = ['.', ...readdirSync(dataDir, { recursive: true, encoding: 'utf8' })].map((path) => {
      const stats = statSync(join(dataDir, path));
      return { path, mode: stats.mode & 0o777, expected: stats.isDirectory() ? 0o700 : 0o600 };
    });
    server.process.kill('SIGINT');
    const exit = await exitOf(server.process);

    // Assert
    expect(new URL(server.dynamodbEndpoint).hostname).toBe('127.0.0.1');
    expect(reached.filter((entry) => entry.reached)).toEqual([]);
    expect(modes.filter((entry) => entry.mode !== entry.expected)).toEqual([]);
    expect(modes.map((entry) => entry.path)).toEqual(expect.arrayContaining(['dev-jwt-secret', 'dynamodb']));
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);
});
