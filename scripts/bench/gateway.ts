// npm run bench -- gateway: the warm per-request cost of the local gateway (`npm run start:gateway`: the built
// function and layer in a warm worker-thread environment) against `npm start`'s server, on GET /health and an
// authenticated GET /users/me, in one run against one DynamoDB Local, interleaved. Target (issue 11): the
// gateway ≤ 1.5× `npm start` per request, best rounds compared.
//
// Both hosts run as the user runs them, in child processes: the server is `npm start`'s dist/server.js (built
// into a cache folder inside the checkout, where its installed packages resolve), the gateway is
// scripts/gateway/main.mts with `npm run start:gateway`'s parameters, its table and secret given through
// --env-vars as `sam local --env-vars` takes them.
//
// Every request must answer 2xx: any other answer (a gateway that cannot load the build answers 502) ends the
// run with the status, the body and the host's last output, so the bench exits non-zero instead of timing errors.
//
// Options: --rounds N (10) --requests N (300) --warmup N (500); --smoke: 1 × 5 after 5.
//          --dynamodb-endpoint URL (a running DynamoDB Local; the test suite passes its own)
//          --function-dir DIR --layer-dir DIR (the gateway serves this build, e.g. another commit's, instead of
//          building from source; as `npm run start:gateway -- --function-dir DIR --layer-dir DIR`)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { markdownTable, median, round, type Bench, type BenchContext, type BenchReport } from './bench';
import { openBenchDatabase } from './dynamodb';

const root = resolve(import.meta.dirname, '../..');
const FUNCTION = 'ApiFunction';
const TABLE_NAME = 'lambdalith-bench';
const TARGET_RATIO = 1.5;
/** How much of a host's latest output a failure report quotes. */
const OUTPUT_TAIL_CHUNKS = 40;
/** The gateway builds the function and layer before it listens: seconds, unless the machine is swamped. */
const START_TIMEOUT_MS = 120_000;

type HostKey = 'npmStart' | 'gateway';
type RouteKey = 'health' | 'usersMe';

interface Host {
  readonly key: HostKey;
  readonly label: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The host's latest stdout and stderr, for a failure report. */
  readonly output: () => string;
}

interface Route {
  readonly key: RouteKey;
  readonly label: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** Starts `args` with node; resolves once its output names the URL it listens on (the first group of `listening`). */
function startHost(
  key: HostKey,
  label: string,
  args: readonly string[],
  env: Record<string, string>,
  listening: RegExp,
): Promise<Host> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // References to the latest chunks, never concatenated while measuring: the pipes must be drained (a full pipe
  // blocks the host) at as little cost to this process, the client being timed, as possible.
  const chunks: Buffer[] = [];
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk);
    if (chunks.length > OUTPUT_TAIL_CHUNKS) chunks.shift();
  };
  const output = (): string => Buffer.concat(chunks).toString('utf8');
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolveStart, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (): void => {
      const url = listening.exec(output())?.[1];
      if (url === undefined) return;
      settle();
      resolveStart({ key, label, url, child, output });
    };
    const onExit = (code: number | null): void => {
      settle();
      reject(new Error(`${label} exited (${String(code)}) before listening:\n${output()}`));
    };
    const timer = setTimeout(() => {
      settle();
      child.kill('SIGTERM');
      reject(new Error(`${label} did not listen within ${START_TIMEOUT_MS / 1000} s:\n${output()}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  await exited;
}

/** One request on the run's keep-alive agent (one socket per host: requests are sequential). */
function send(
  agent: Agent,
  url: string,
  options: { method: string; headers: OutgoingHttpHeaders; body?: string },
): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const request = httpRequest(url, { agent, method: options.method, headers: options.headers }, (response) => {
      const body: Buffer[] = [];
      response.on('data', (chunk: Buffer) => body.push(chunk));
      response.on('end', () =>
        resolveAnswer({ status: response.statusCode ?? 0, body: Buffer.concat(body).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `send`, failing the run on anything but a 2xx answer, with what the host said and logged. */
async function sendExpectingSuccess(
  agent: Agent,
  host: Host,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body?: string,
): Promise<Answer> {
  let answer: Answer;
  try {
    answer = await send(agent, `${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    throw new Error(
      `${host.label}: ${method} ${path} failed: ${String(error)}\n${host.label} output:\n${host.output()}`,
    );
  }
  if (answer.status < 200 || answer.status > 299)
    throw new Error(
      `${host.label}: ${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 1_000)}\n` +
        `${host.label} output:\n${host.output()}`,
    );
  return answer;
}

/** Mean microseconds per request over `count` sequential requests. */
async function measure(agent: Agent, host: Host, route: Route, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1)
    await sendExpectingSuccess(agent, host, 'GET', route.path, route.headers);
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

/** Registers a user through `host` and returns an access token for it. */
async function issueAccessToken(agent: Agent, host: Host): Promise<string> {
  const email = `bench-${randomUUID()}@example.com`;
  const password = 'bench password 1234';
  const json = { 'content-type': 'application/json' };
  await sendExpectingSuccess(
    agent,
    host,
    'POST',
    '/auth/register',
    json,
    JSON.stringify({ email, password, name: 'Bench' }),
  );
  const login = await sendExpectingSuccess(
    agent,
    host,
    'POST',
    '/auth/login',
    json,
    JSON.stringify({ email, password }),
  );
  return (JSON.parse(login.body) as { accessToken: string }).accessToken;
}

function positiveInteger(name: string, value: unknown): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${name} must be a positive integer, not ${String(value)}`);
  return number;
}

async function run({ smoke, args, progress }: BenchContext): Promise<BenchReport> {
  const { values } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: smoke ? '1' : '10' },
      requests: { type: 'string', default: smoke ? '5' : '300' },
      warmup: { type: 'string', default: smoke ? '5' : '500' },
      'dynamodb-endpoint': { type: 'string' },
      'function-dir': { type: 'string' },
      'layer-dir': { type: 'string' },
    },
  });
  const rounds = positiveInteger('rounds', values.rounds);
  const requests = positiveInteger('requests', values.requests);
  const warmup = positiveInteger('warmup', values.warmup);
  const functionDir = typeof values['function-dir'] === 'string' ? resolve(values['function-dir']) : undefined;
  const layerDir = typeof values['layer-dir'] === 'string' ? resolve(values['layer-dir']) : undefined;
  if ((functionDir === undefined) !== (layerDir === undefined))
    throw new Error('--function-dir and --layer-dir go together');

  const database = await openBenchDatabase({
    endpoint: typeof values['dynamodb-endpoint'] === 'string' ? values['dynamodb-endpoint'] : undefined,
    tableName: TABLE_NAME,
    region: 'us-east-1',
    progress,
  });
  const dir = mkdtempSync(join(tmpdir(), 'lambdalith-bench-gateway-'));
  // Inside the checkout: the local build leaves installed packages to `require`, from the project's node_modules.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const serverDir = mkdtempSync(join(root, 'node_modules/.cache/lambdalith-bench-gateway-'));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const hosts: Host[] = [];
  try {
    progress("building npm start's server");
    await promisify(execFile)(process.execPath, [join(root, 'scripts/build.mts'), 'local', '--out-local', serverDir], {
      cwd: root,
    });

    // The same settings for both hosts: one table, one signing secret, INFO logs (to a pipe that is drained).
    const shared = {
      DYNAMODB_ENDPOINT: database.endpoint,
      TABLE_NAME,
      JWT_SECRET: randomBytes(48).toString('base64'),
      AUTH_RATE_LIMIT: '1000000',
      METRICS_ENABLED: 'false',
    };
    const envVars = join(dir, 'env-vars.json');
    writeFileSync(envVars, JSON.stringify({ [FUNCTION]: shared }));
    progress(
      `starting npm start's server and the gateway${functionDir === undefined ? ' (it builds the function and layer)' : ''}`,
    );
    const started = await Promise.allSettled([
      startHost(
        'npmStart',
        'npm start',
        [join(serverDir, 'server.js')],
        { ...shared, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', DATA_DIR: dir },
        /listening on (http:\/\/[\d.]+:\d+)/,
      ),
      startHost(
        'gateway',
        'gateway',
        [
          join(root, 'scripts/gateway/main.mts'),
          '--port',
          '0',
          '--no-watch',
          '--env-vars',
          envVars,
          // npm run start:gateway's, plus the log level the server runs at.
          '--parameter-overrides',
          'EmailFrom=no-reply@localhost LogLevel=INFO',
          ...(functionDir === undefined || layerDir === undefined
            ? []
            : ['--function-dir', functionDir, '--layer-dir', layerDir]),
        ],
        {},
        /gateway listening on (http:\/\/\S+)/,
      ),
    ]);
    for (const result of started) if (result.status === 'fulfilled') hosts.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;

    progress('registering a user and logging in through npm start (not measured)');
    const [npmStart] = hosts as [Host, Host];
    const accessToken = await issueAccessToken(agent, npmStart);
    const routes: Route[] = [
      { key: 'health', label: 'GET /health', path: '/health', headers: {} },
      {
        key: 'usersMe',
        label: 'GET /users/me (authenticated)',
        path: '/users/me',
        headers: { authorization: `Bearer ${accessToken}` },
      },
    ];

    progress(`${warmup} warm-up requests per host and route`);
    for (const route of routes) for (const host of hosts) await measure(agent, host, route, warmup);
    // Interleaved rounds, so drift (GC, a noisy neighbour on a shared machine) hits every pair alike.
    const samples = new Map<string, number[]>();
    for (let index = 0; index < rounds; index += 1) {
      for (const route of routes) {
        for (const host of hosts) {
          const key = `${route.key}|${host.key}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(agent, host, route, requests)]);
        }
      }
      progress(`round ${index + 1}/${rounds}`);
    }
    return report(routes, samples, { rounds, requests, warmup });
  } finally {
    agent.destroy();
    await Promise.all(hosts.map((host) => stopHost(host.child)));
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(serverDir, { recursive: true, force: true });
  }
}

interface HostFigures {
  readonly bestUs: number;
  readonly medianUs: number;
}

interface RouteFigures {
  readonly label: string;
  readonly npmStart: HostFigures;
  readonly gateway: HostFigures;
  readonly gatewayVsNpmStart: { readonly best: number; readonly median: number };
}

function report(
  routes: readonly Route[],
  samples: ReadonlyMap<string, readonly number[]>,
  counts: { rounds: number; requests: number; warmup: number },
): BenchReport {
  const figuresOf = (route: Route, host: HostKey): HostFigures => {
    const values = samples.get(`${route.key}|${host}`) ?? [];
    return { bestUs: round(Math.min(...values), 1), medianUs: round(median(values), 1) };
  };
  const figures = routes.map((route): [RouteKey, RouteFigures] => {
    const npmStart = figuresOf(route, 'npmStart');
    const gateway = figuresOf(route, 'gateway');
    return [
      route.key,
      {
        label: route.label,
        npmStart,
        gateway,
        gatewayVsNpmStart: {
          best: round(gateway.bestUs / npmStart.bestUs),
          median: round(gateway.medianUs / npmStart.medianUs),
        },
      },
    ];
  });
  const worst = Math.max(...figures.map(([, figure]) => figure.gatewayVsNpmStart.best));
  const table = markdownTable(
    [
      'Route',
      'npm start best µs',
      'gateway best µs',
      '× npm start',
      'npm start median µs',
      'gateway median µs',
      '× npm start',
    ],
    figures.map(([, figure]) => [
      figure.label,
      figure.npmStart.bestUs.toFixed(0),
      figure.gateway.bestUs.toFixed(0),
      `${figure.gatewayVsNpmStart.best.toFixed(2)}×`,
      figure.npmStart.medianUs.toFixed(0),
      figure.gateway.medianUs.toFixed(0),
      `${figure.gatewayVsNpmStart.median.toFixed(2)}×`,
    ]),
  );
  const markdown =
    `Warm, sequential keep-alive requests: ${counts.rounds} interleaved rounds × ${counts.requests} per host and route after ` +
    `${counts.warmup} warm-up requests; µs per request, best and median round.\n\n${table}\n\n` +
    `Gateway vs npm start, worst route (best rounds): ${worst.toFixed(2)}×; must ≤ ${TARGET_RATIO.toFixed(1)}×: ` +
    `${worst <= TARGET_RATIO ? 'met' : '**not met**'}.`;
  return { results: { ...counts, routes: Object.fromEntries(figures), worstRouteRatio: worst }, markdown };
}

export const bench: Bench = {
  name: 'gateway',
  description: "warm requests through the local gateway (npm run start:gateway) vs npm start's server",
  run,
};
