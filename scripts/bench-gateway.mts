// npm run bench -- gateway: warm per-request latency of GET /health and an authenticated GET /users/me through
// the local gateway (scripts/gateway: event building, a warm Lambda environment, the built function and layer)
// and through the local server (`npm start`'s dist/server.js), measured in the same run against one DynamoDB
// Local, interleaved. Target: the gateway ≤ 1.5× the local server per request.
//
// Usage: npm run bench -- gateway [--rounds N] [--requests N] [--warmup N]
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startLocalDatabase } from './gateway/dynamodb.mts';
import { readTables } from './gateway/function-spec.mts';
import { loadTemplate } from './gateway/template.mts';

const root = resolve(import.meta.dirname, '..');
const TABLE = 'lambdalith-bench';

interface Target {
  readonly name: string;
  readonly url: string;
}

interface Route {
  readonly name: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

/** Starts `args` with node and resolves the URL the first `pattern` match names (a "listening on" line). */
function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  pattern: RegExp,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveStart, reject) => {
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      const match = pattern.exec(output);
      if (match?.[1] !== undefined) {
        // Keep draining the pipes (a full pipe would block the process) without keeping the text.
        child.stdout?.removeAllListeners('data').resume();
        child.stderr?.removeAllListeners('data').resume();
        resolveStart({ url: match[1], child });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${String(code)}):\n${output}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, route: Route): Promise<number> {
  return new Promise((resolveRequest, reject) => {
    const request = httpRequest(`${url}${route.path}`, { agent, headers: route.headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolveRequest(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

function post(url: string, path: string, body: object): Promise<{ status: number; body: string }> {
  return new Promise((resolvePost, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolvePost({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Mean microseconds per request over `count` sequential requests. */
async function measure(url: string, route: Route, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const status = await get(url, route);
    if (status !== 200) throw new Error(`${url}${route.path} answered ${status}`);
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function benchGateway(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string', default: '10' },
      requests: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '500' },
    },
  });
  const rounds = Number(values.rounds);
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);

  const template = loadTemplate(join(root, 'template.yaml'));
  const tables = readTables(template, {
    parameters: {},
    stackName: 'lambdalith',
    region: 'us-east-1',
    accountId: '123456789012',
    physicalIds: {},
  });
  const database = await startLocalDatabase(
    new Map([...tables].map(([id, properties]) => [id, { name: TABLE, properties }])),
  );
  const dir = mkdtempSync(join(tmpdir(), 'lambdalith-bench-gateway-'));
  const cacheDir = join(root, 'node_modules/.cache/lambdalith-bench-gateway');
  const children: ChildProcess[] = [];
  try {
    // The same settings for both hosts: one table, one signing secret, INFO logs (to a pipe that is drained).
    const shared = {
      DYNAMODB_ENDPOINT: database.endpoint,
      TABLE_NAME: TABLE,
      JWT_SECRET: randomBytes(48).toString('base64'),
      AUTH_RATE_LIMIT: '1000000',
      METRICS_ENABLED: 'false',
    };
    mkdirSync(cacheDir, { recursive: true });
    await promisify(execFile)(process.execPath, [join(root, 'scripts/build.mts'), 'local', '--out-local', cacheDir], {
      cwd: root,
    });
    const envVars = join(dir, 'env-vars.json');
    writeFileSync(envVars, JSON.stringify({ ApiFunction: shared }));
    const [server, gateway] = await Promise.all([
      startProcess(
        [join(cacheDir, 'server.js')],
        { ...shared, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', DATA_DIR: dir },
        /listening on (http:\/\/[\d.]+:\d+)/,
      ),
      startProcess(
        [
          join(root, 'scripts/gateway/main.mts'),
          '--port',
          '0',
          '--no-watch',
          '--env-vars',
          envVars,
          '--parameter-overrides',
          'EmailFrom=no-reply@example.com LogLevel=INFO',
        ],
        {},
        /gateway listening on (http:\/\/\S+)/,
      ),
    ]);
    children.push(server.child, gateway.child);
    const targets: Target[] = [
      { name: 'local server (npm start)', url: server.url },
      { name: 'local gateway (npm run start:gateway)', url: gateway.url },
    ];

    const email = `bench-${randomUUID()}@example.com`;
    const password = 'bench password 1234';
    await post(server.url, '/auth/register', { email, password, name: 'Bench' });
    const login = await post(server.url, '/auth/login', { email, password });
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };
    const routes: Route[] = [
      { name: 'GET /health', path: '/health', headers: {} },
      { name: 'GET /users/me (authenticated)', path: '/users/me', headers: { authorization: `Bearer ${accessToken}` } },
    ];

    const samples = new Map<string, number[]>();
    for (const route of routes) for (const target of targets) await measure(target.url, route, warmup);
    // Interleaved rounds, so drift (GC, a noisy neighbour on a shared machine) hits every pair alike.
    for (let round = 0; round < rounds; round += 1) {
      for (const route of routes) {
        for (const target of targets) {
          const key = `${route.name}|${target.name}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(target.url, route, requests)]);
        }
      }
    }

    process.stdout.write(
      `warm, sequential keep-alive requests: ${rounds} interleaved rounds × ${requests} per host and route, ` +
        `Node ${process.version}, ${cpus().length} CPUs\n\n  ${'route / host'.padEnd(62)} ${'best round'.padStart(12)} ${'median round'.padStart(14)}\n`,
    );
    const ratios: number[] = [];
    for (const route of routes) {
      const [local, viaGateway] = targets.map((target) => samples.get(`${route.name}|${target.name}`) ?? []);
      for (const target of targets) {
        const values = samples.get(`${route.name}|${target.name}`) ?? [];
        process.stdout.write(
          `  ${`${route.name}, ${target.name}`.padEnd(62)} ${Math.min(...values)
            .toFixed(0)
            .padStart(9)} µs ${median(values).toFixed(0).padStart(11)} µs\n`,
        );
      }
      const ratio = Math.min(...(viaGateway ?? [])) / Math.min(...(local ?? []));
      ratios.push(ratio);
      process.stdout.write(
        `  ${route.name}: gateway / local server = ${ratio.toFixed(2)}× (best rounds; median ${(median(viaGateway ?? []) / median(local ?? [])).toFixed(2)}×)\n\n`,
      );
    }
    const worst = Math.max(...ratios);
    process.stdout.write(
      `gateway vs local server, worst route: ${worst.toFixed(2)}× (target ≤ 1.50×) ${worst <= 1.5 ? 'OK' : 'OVER TARGET'}\n`,
    );
  } finally {
    agent.destroy();
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolveExit) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolveExit(undefined);
            child.once('exit', resolveExit);
            child.kill('SIGTERM');
          }),
      ),
    );
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
