// npm run bench: the warm per-invocation cost of the full stack on GET /health, through the real Lambda
// handler path (serverless-express + withLambdaInvoke + createApp with every global middleware), compared
// with a bare express + serverless-express "hello" measured in the same run. Target: ratio ≤ 1.3.
//
// Usage: node scripts/bench.mts [--rounds N] [--invocations N] [--warmup N]
//
// Plain node cannot load the TypeScript sources of src/ (extension-less imports, the workspace package's
// `source` condition), so the real handler is bundled first with esbuild, exactly as the local build
// does it (our code bundled, installed packages left external), into node_modules/.cache where those
// packages resolve. The bench never touches DynamoDB: GET /health does not.
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import serverlessExpress from '@codegenie/serverless-express';
import type { Context } from 'aws-lambda';
import { build, type Plugin } from 'esbuild';
import express from 'express';

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules/.cache/lambdalith-bench');
const require = createRequire(import.meta.url);

type Handler = (event: object, context: Context) => Promise<unknown>;

interface Variant {
  readonly name: string;
  readonly handler: Handler;
  readonly samples: number[];
}

// Our code (the app and the middleware workspace, from source) is bundled; installed packages stay external.
const externalInstalledPackages: Plugin = {
  name: 'external-installed-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@lambdalith/middleware') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

async function bundleLambdaHandler(): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, 'lambda.cjs');
  await build({
    entryPoints: [join(root, 'src/lambda.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    conditions: ['source'],
    plugins: [externalInstalledPackages],
    logLevel: 'warning',
  });
  return outfile;
}

/** The function's environment as the template sets it, for a variant of the logging/metrics settings. */
function lambdaEnvironment(overrides: Record<string, string>): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: 'lambdalith-bench',
    AWS_REGION: 'us-east-1',
    // Never contacted by GET /health; a closed port would make any accidental call fail fast.
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    TABLE_NAME: 'lambdalith-bench',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-bench-secret',
    EMAIL_FROM: 'no-reply@example.com',
    LOG_LEVEL: 'INFO',
    METRICS_ENABLED: 'true',
    ...overrides,
  };
}

/** A fresh copy of the real handler (its own config, dependencies and app), loaded under `env`. */
function loadLambdaHandler(bundle: string, env: Record<string, string>): Handler {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    delete require.cache[bundle];
    return (require(bundle) as { handler: Handler }).handler;
  } finally {
    process.env = saved;
  }
}

function bareHelloHandler(): Handler {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const proxy = serverlessExpress({ app });
  return async (event, context) => proxy(event, context, () => undefined);
}

function healthEvent(): object {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/health',
    rawQueryString: '',
    headers: { accept: 'application/json', host: 'api.example.com', 'user-agent': 'bench', 'x-forwarded-for': '198.51.100.1' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1_767_225_600_000,
    },
    isBase64Encoded: false,
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lambdalith-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lambdalith-bench',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/lambdalith-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invokeHealth(handler: Handler): Promise<void> {
  const result = (await handler(healthEvent(), lambdaContext())) as { statusCode?: number };
  if (result.statusCode !== 200) throw new Error(`GET /health answered ${String(result.statusCode)}`);
}

/** Mean microseconds per invocation over `count` sequential invocations. */
async function measure(handler: Handler, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await invokeHealth(handler);
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

// In Lambda, log and EMF lines go to the runtime through stdout. Writing them to /dev/null keeps their
// formatting and the write syscall in the measurement without flooding the terminal.
function sendStdoutToDevNull(): () => void {
  const devNull = openSync('/dev/null', 'w');
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === 'string') writeSync(devNull, chunk);
    else writeSync(devNull, chunk);
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '30' },
      invocations: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '3000' },
    },
  });
  const rounds = Number(values.rounds);
  const invocations = Number(values.invocations);
  const warmup = Number(values.warmup);

  const bundle = await bundleLambdaHandler();
  const variants: Variant[] = [
    { name: 'bare express + serverless-express (hello)', handler: bareHelloHandler(), samples: [] },
    { name: 'full stack, as deployed (INFO request log + EMF metrics)', handler: loadLambdaHandler(bundle, lambdaEnvironment({})), samples: [] },
    {
      name: 'full stack, logging and metrics off',
      handler: loadLambdaHandler(bundle, lambdaEnvironment({ LOG_LEVEL: 'WARN', METRICS_ENABLED: 'false' })),
      samples: [],
    },
  ];

  const restoreStdout = sendStdoutToDevNull();
  try {
    for (const variant of variants) {
      for (let i = 0; i < warmup; i += 1) await invokeHealth(variant.handler);
    }
    // Interleaved rounds, so drift (thermal, GC, a noisy neighbour) hits every variant alike.
    for (let round = 0; round < rounds; round += 1) {
      for (const variant of variants) variant.samples.push(await measure(variant.handler, invocations));
    }
  } finally {
    restoreStdout();
  }

  // The best round is the least disturbed by other processes (this runs on shared CI-sized machines);
  // the median shows what a typical round saw. Ratios are given for both.
  const bareBest = Math.min(...(variants[0]?.samples ?? []));
  const bareMedian = median(variants[0]?.samples ?? []);
  process.stdout.write(
    `GET /health, warm, ${rounds} interleaved rounds × ${invocations} sequential invocations per variant, ` +
      `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})\n\n` +
      `  ${'variant'.padEnd(58)} ${'best round'.padStart(17)} ${'median round'.padStart(19)}\n`,
  );
  for (const variant of variants) {
    const best = Math.min(...variant.samples);
    const typical = median(variant.samples);
    process.stdout.write(
      `  ${variant.name.padEnd(58)} ${best.toFixed(1).padStart(6)} µs ${(best / bareBest).toFixed(2).padStart(5)}×  ` +
        `${typical.toFixed(1).padStart(8)} µs ${(typical / bareMedian).toFixed(2).padStart(5)}×\n`,
    );
  }
  const deployed = Math.min(...(variants[1]?.samples ?? [])) / bareBest;
  process.stdout.write(`\nfull stack as deployed vs bare (best rounds): ${deployed.toFixed(2)}× (target ≤ 1.30×) ${deployed <= 1.3 ? 'OK' : 'OVER TARGET'}\n`);
}

// `npm run bench -- gateway`: the local gateway against the local server, in scripts/bench-gateway.mts.
const bench = process.argv[2] === 'gateway' ? import('./bench-gateway.mts').then((module) => module.benchGateway(process.argv.slice(3))) : main();
bench.catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
