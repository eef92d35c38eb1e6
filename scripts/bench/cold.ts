// npm run bench -- cold: Lambda cold start, measured the way Lambda starts a function.
//
// Each sample is one fresh process: the runtime stand-in of the artifact test (scripts/lambda/runtime-stand-in.mts)
// loads `index.handler` from a task root, with the layer on NODE_PATH and only the environment the template and
// the runtime give the function, and answers ONE HTTP API (v2) request. Its figure is the process wall time from
// spawn to that answer, and the process's peak RSS. Everything lives in a temp folder outside the checkout, so
// the checkout's node_modules cannot leak in. Variants, alternated (each round runs every variant once, in a
// rotating order, so drift hits them alike):
//   raw      a handler returning a constant: the floor (Node + the runtime stand-in)
//   hello    express + serverless-express answering GET /health, one bundle built like the function
//   health   the app (the function and layer as `sam build` makes them) on GET /health
//   users-me the app on an authenticated GET /users/me: Secrets Manager (loopback fake), a JWT, DynamoDB Local
//
// Options: --processes N per variant (default 10; --smoke: 2), --dynamodb-endpoint URL (use a running DynamoDB
// Local instead of starting one; the test suite passes its own), --compare DIR (another build of the app, in
// DIR/task and DIR/opt, e.g. from another commit with `make build-ApiFunction ARTIFACTS_DIR=DIR/task` and
// `make -f layers/middleware/Makefile build-MiddlewareLayer ARTIFACTS_DIR=DIR/opt`: measured in the same run).
import {
  readFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomInt, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLE_OPTIONS } from '../build.mts';
import { listFiles, zipDirectory } from '../package.mts';
import { loadTemplate, physicalId, withGlobals, type StackContext } from '../cloudformation.mts';
import { FakeAws } from '../lambda/fake-aws';
import { LambdaEnvironment } from '../lambda/lambda-environment';
import { functionEnvironment, templateFunctionRuntimeVariables } from '../lambda/runtime-variables.mts';
import { samBuild } from '../lambda/sam-build';
// By file: Node runs this script as is, and the kit's index re-exports without file extensions.
import { httpApiV2, type HttpRequestSpec } from '../../packages/testing/src/lambda-events.ts';
import { markdownTable, median, quantile, round, type Bench, type BenchContext, type BenchReport } from './bench';
import { openBenchDatabase, type BenchDatabase } from './dynamodb';

const root = join(import.meta.dirname, '../..');
const FUNCTION = 'ApiFunction';
const TABLE_NAME = 'lambdalith-bench';
// A made-up 64-byte signing secret, served by the fake Secrets Manager.
const JWT_SECRET_VALUE = 'bench-only-secret-Zq3xVn8RkT1mLp6WcY9bHd2FsJ5gNa0EuKo7Qi4Xr8Tz1V';

type VariantKey = 'raw' | 'hello' | 'health' | 'usersMe' | 'compareHealth' | 'compareUsersMe';

interface Variant {
  readonly key: VariantKey;
  readonly label: string;
  readonly taskRoot: string;
  readonly optRoot: string;
  readonly request: () => HttpRequestSpec;
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssKiB: number;
}

const template = loadTemplate(join(root, 'template.yaml'));
const stack: StackContext = {
  parameters: { EmailFrom: 'no-reply@example.com' },
  region: 'us-east-1',
  accountId: '123456789012',
  stackName: 'lambdalith',
  physicalIds: { Table: TABLE_NAME },
};
const functionProperties = withGlobals(template, FUNCTION);

// Peak resident set size (VmHWM) of a live process, from Linux's /proc. Lambda runs Linux; elsewhere NaN.
function peakRssKiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? Number.NaN : Number(match[1]);
  } catch {
    return Number.NaN;
  }
}

// CPU time of a live process so far, all its threads, from Linux's scheduler statistics (nanoseconds). On a
// shared machine wall time also counts waiting for a core; CPU time is what the process itself spent.
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    let nanoseconds = 0;
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
    }
    return nanoseconds / 1e6;
  } catch {
    return Number.NaN;
  }
}

function assertNoNodeModulesAbove(dir: string): void {
  for (let parent = dir; dirname(parent) !== parent; parent = dirname(parent)) {
    if (existsSync(join(dirname(parent), 'node_modules')))
      throw new Error(`${dirname(parent)}/node_modules would leak into the cold-start figures`);
  }
}

/** The floor: a handler that returns a constant, nothing to load. */
function writeRawHandler(taskRoot: string): void {
  mkdirSync(taskRoot, { recursive: true });
  writeFileSync(
    join(taskRoot, 'index.js'),
    `exports.handler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' });\n`,
  );
}

/** The bare starter: express 5 + serverless-express, bundled with the function's own esbuild options. */
async function buildHelloHandler(taskRoot: string, sourceDir: string): Promise<void> {
  mkdirSync(sourceDir, { recursive: true });
  const entry = join(sourceDir, 'index.ts');
  writeFileSync(
    entry,
    [
      "import serverlessExpress from '@codegenie/serverless-express';",
      "import express from 'express';",
      'const app = express();',
      "app.get('/health', (_req, res) => { res.json({ status: 'ok' }); });",
      'export const handler = serverlessExpress({ app });',
      '',
    ].join('\n'),
  );
  await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: { index: entry },
    outdir: taskRoot,
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'warning',
  });
}

/** Bytes of JavaScript a cold start loads: the handler module and the chunks it imports statically. */
function coldStartJavaScript(
  metafile: Metafile,
  handlerOutput: string,
): { handlerBytes: number; coldStartBytes: number; totalBytes: number } {
  const outputs = metafile.outputs;
  const loaded = new Set<string>();
  const visit = (output: string): void => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of outputs[output]?.imports ?? [])
      if (imported.kind === 'import-statement' && imported.external !== true) visit(imported.path);
  };
  visit(handlerOutput);
  const javascript = Object.entries(outputs).filter(([path]) => /\.m?js$/.test(path));
  return {
    handlerBytes: outputs[handlerOutput]?.bytes ?? Number.NaN,
    coldStartBytes: [...loaded].reduce((sum, output) => sum + (outputs[output]?.bytes ?? 0), 0),
    totalBytes: javascript.reduce((sum, [, output]) => sum + output.bytes, 0),
  };
}

interface VariantFigures {
  readonly label: string;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly medianCpuMs: number;
  readonly peakRssMiB: number;
  readonly wallMs: number[];
}

interface FolderSize {
  readonly files: number;
  readonly bytes: number;
  readonly zippedBytes: number;
}

function folderSize(dir: string, zipFile: string): FolderSize {
  const files = listFiles(dir);
  const bytes = files.reduce((sum, file) => sum + statSync(join(dir, ...file.split('/'))).size, 0);
  zipDirectory(dir, zipFile);
  return { files: files.length, bytes, zippedBytes: statSync(zipFile).size };
}

async function run({ smoke, args, progress }: BenchContext): Promise<BenchReport> {
  const { values } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: {
      processes: { type: 'string', default: smoke ? '2' : '10' },
      'dynamodb-endpoint': { type: 'string' },
      compare: { type: 'string' },
    },
  });
  const processes = Number(values.processes);
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error(`--processes must be a positive integer, not ${String(values.processes)}`);

  const dir = mkdtempSync(join(tmpdir(), 'lambdalith-cold-'));
  assertNoNodeModulesAbove(dir);
  let database: BenchDatabase | undefined;
  let aws: FakeAws | undefined;
  try {
    progress('building the function and the layer the way sam build does (make targets), and the baselines');
    const metafilePath = join(dir, 'function.meta.json');
    const app = await samBuild(template, join(dir, 'app'), { METAFILE: metafilePath });
    const emptyOpt = join(dir, 'empty-opt');
    mkdirSync(emptyOpt);
    writeRawHandler(join(dir, 'raw/task'));
    await buildHelloHandler(join(dir, 'hello/task'), join(dir, 'hello/src'));

    database = await openBenchDatabase({
      endpoint: typeof values['dynamodb-endpoint'] === 'string' ? values['dynamodb-endpoint'] : undefined,
      tableName: TABLE_NAME,
      region: stack.region,
      progress,
    });
    const dynamoDbEndpoint = database.endpoint;
    aws = await FakeAws.start(new Map([[physicalId(template, 'JwtSecret', stack), JWT_SECRET_VALUE]]));

    // The deployed function's environment (template + runtime), pointed at the local stand-ins.
    const fakeAws = aws;
    const environmentFor = (variant: Pick<Variant, 'taskRoot' | 'optRoot'>): Record<string, string> => ({
      ...templateFunctionRuntimeVariables(
        template,
        FUNCTION,
        { taskRoot: variant.taskRoot, optRoot: variant.optRoot },
        stack,
      ),
      ...functionEnvironment(template, FUNCTION, stack),
      DYNAMODB_ENDPOINT: dynamoDbEndpoint,
      ...fakeAws.environment,
    });
    const startEnvironment = (variant: Pick<Variant, 'taskRoot' | 'optRoot'>): LambdaEnvironment =>
      new LambdaEnvironment({
        handler: String(functionProperties['Handler']),
        timeoutSeconds: Number(functionProperties['Timeout']),
        env: environmentFor(variant),
        cwd: dir,
      });

    progress('registering a user and logging in (one warm environment, not measured)');
    const accessToken = await issueAccessToken(startEnvironment({ taskRoot: app.task, optRoot: app.opt }));

    const health = (): HttpRequestSpec => ({
      method: 'GET',
      path: '/health',
      sourceIp: `198.51.100.${randomInt(1, 255)}`,
    });
    const variants: Variant[] = [
      {
        key: 'raw',
        label: 'raw handler returning a constant',
        taskRoot: join(dir, 'raw/task'),
        optRoot: emptyOpt,
        request: health,
      },
      {
        key: 'hello',
        label: 'express + serverless-express hello, GET /health',
        taskRoot: join(dir, 'hello/task'),
        optRoot: emptyOpt,
        request: health,
      },
      {
        key: 'health',
        label: 'the app (function + layer), GET /health',
        taskRoot: app.task,
        optRoot: app.opt,
        request: health,
      },
      {
        key: 'usersMe',
        label: 'the app, first GET /users/me (JWT + DynamoDB)',
        taskRoot: app.task,
        optRoot: app.opt,
        request: () => ({
          method: 'GET',
          path: '/users/me',
          headers: { authorization: `Bearer ${accessToken}` },
          sourceIp: `198.51.100.${randomInt(1, 255)}`,
        }),
      },
    ];

    const compare = typeof values.compare === 'string' ? values.compare : undefined;
    if (compare !== undefined) {
      const other = { taskRoot: join(compare, 'task'), optRoot: join(compare, 'opt') };
      const [healthVariant, usersMeVariant] = variants.slice(2) as [Variant, Variant];
      variants.push(
        { ...healthVariant, ...other, key: 'compareHealth', label: `${healthVariant.label}, build in ${compare}` },
        { ...usersMeVariant, ...other, key: 'compareUsersMe', label: `${usersMeVariant.label}, build in ${compare}` },
      );
    }

    const samples = new Map<VariantKey, Sample[]>(variants.map((variant) => [variant.key, []]));
    const total = processes * variants.length;
    let done = 0;
    for (let round = 0; round < processes; round += 1) {
      // Rotating order: no variant always runs first (or right after the same neighbour).
      const order = variants.map((_, index) => variants[(index + round) % variants.length] as Variant);
      for (const variant of order) {
        const sample = await coldStart(variant, startEnvironment);
        samples.get(variant.key)?.push(sample);
        done += 1;
        progress(
          `cold [${String(done).padStart(String(total).length)}/${total}] ${variant.key.padEnd(7)} ${sample.wallMs.toFixed(0).padStart(5)} ms wall ` +
            `${sample.cpuMs.toFixed(0).padStart(5)} ms CPU  ${(sample.peakRssKiB / 1024).toFixed(1)} MiB`,
        );
      }
    }

    const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile;
    const handlerOutput = Object.keys(metafile.outputs).find(
      (output) => metafile.outputs[output]?.entryPoint === 'src/lambda.ts',
    );
    if (handlerOutput === undefined) throw new Error('the function metafile names no output for src/lambda.ts');
    const functionSize = {
      ...coldStartJavaScript(metafile, handlerOutput),
      ...folderSize(app.task, join(dir, 'function.zip')),
    };
    const layerSize = folderSize(app.opt, join(dir, 'layer.zip'));
    return report(variants, samples, functionSize, layerSize, processes);
  } finally {
    await aws?.stop();
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function issueAccessToken(environment: LambdaEnvironment): Promise<string> {
  try {
    const json = { 'content-type': 'application/json' };
    const email = `bench-${randomUUID()}@example.com`;
    const password = 'bench password 1234';
    const sourceIp = `203.0.113.${randomInt(1, 255)}`;
    const send = async (spec: HttpRequestSpec): Promise<{ statusCode: number; body: string }> =>
      httpApiV2.parseResult((await environment.invoke(httpApiV2.event({ sourceIp, ...spec }))).result);
    const registered = await send({
      method: 'POST',
      path: '/auth/register',
      headers: json,
      body: JSON.stringify({ email, password, name: 'Bench Mark' }),
    });
    if (registered.statusCode !== 201)
      throw new Error(`registration answered ${registered.statusCode}: ${registered.body}`);
    const login = await send({
      method: 'POST',
      path: '/auth/login',
      headers: json,
      body: JSON.stringify({ email, password }),
    });
    if (login.statusCode !== 200) throw new Error(`login answered ${login.statusCode}: ${login.body}`);
    return (JSON.parse(login.body) as { accessToken: string }).accessToken;
  } finally {
    await environment.close();
  }
}

/** One fresh process: spawn → init → first answer. */
async function coldStart(variant: Variant, startEnvironment: (variant: Variant) => LambdaEnvironment): Promise<Sample> {
  const started = performance.now();
  const environment = startEnvironment(variant);
  try {
    const { result } = await environment.invoke(httpApiV2.event(variant.request()));
    const wallMs = performance.now() - started;
    const peakRss = peakRssKiB(environment.pid);
    const cpu = cpuMs(environment.pid);
    const { statusCode, body } = httpApiV2.parseResult(result);
    if (statusCode !== 200) throw new Error(`${variant.label} answered ${statusCode}: ${body}\n${environment.logs}`);
    return { wallMs, cpuMs: cpu, peakRssKiB: peakRss };
  } finally {
    await environment.close();
  }
}

function report(
  variants: readonly Variant[],
  samples: ReadonlyMap<VariantKey, readonly Sample[]>,
  functionSize: FolderSize & { handlerBytes: number; coldStartBytes: number; totalBytes: number },
  layerSize: FolderSize,
  processes: number,
): BenchReport {
  const figures = Object.fromEntries(
    variants.map((variant) => {
      const own = samples.get(variant.key) ?? [];
      const walls = own.map((sample) => sample.wallMs);
      const cpu = own.map((sample) => sample.cpuMs);
      const rss = own.map((sample) => sample.peakRssKiB / 1024);
      return [
        variant.key,
        {
          label: variant.label,
          medianMs: round(median(walls), 1),
          p90Ms: round(quantile(walls, 0.9), 1),
          medianCpuMs: round(median(cpu), 1),
          peakRssMiB: round(median(rss), 1),
          wallMs: walls.map((value) => round(value, 1)),
        },
      ];
    }),
  ) as Record<'raw' | 'hello' | 'health' | 'usersMe', VariantFigures> & Partial<Record<VariantKey, VariantFigures>>;
  const hello = figures.hello;
  const ratio = (value: number, base: number): number => round(value / base);
  const targets = {
    healthVsHello: ratio(figures.health.medianMs, hello.medianMs),
    healthVsHelloCpu: ratio(figures.health.medianCpuMs, hello.medianCpuMs),
    usersMeVsHelloHealthCpu: ratio(figures.usersMe.medianCpuMs, hello.medianCpuMs),
    usersMeVsHelloHealth: ratio(figures.usersMe.medianMs, hello.medianMs),
    peakRssVsHello: ratio(Math.max(figures.health.peakRssMiB, figures.usersMe.peakRssMiB), hello.peakRssMiB),
    functionBundleKB: round(functionSize.coldStartBytes / 1000, 1),
    layerUnpackedKB: round(layerSize.bytes / 1000, 1),
    layerFiles: layerSize.files,
  };

  const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
  const variantTable = markdownTable(
    ['Variant', 'Median ms', 'p90 ms', '× hello', 'CPU ms (median)', '× hello', 'Peak RSS MiB', '× hello'],
    variants.map((variant) => {
      const figure = figures[variant.key];
      if (figure === undefined) throw new Error(`no figures for ${variant.key}`);
      return [
        variant.label,
        figure.medianMs.toFixed(0),
        figure.p90Ms.toFixed(0),
        `${ratio(figure.medianMs, hello.medianMs).toFixed(2)}×`,
        figure.medianCpuMs.toFixed(0),
        `${ratio(figure.medianCpuMs, hello.medianCpuMs).toFixed(2)}×`,
        figure.peakRssMiB.toFixed(1),
        `${ratio(figure.peakRssMiB, hello.peakRssMiB).toFixed(2)}×`,
      ];
    }),
  );
  const sizeTable = markdownTable(
    ['Artifact', 'Files', 'Unpacked', 'Zipped'],
    [
      ['function (all files)', String(functionSize.files), kB(functionSize.bytes), kB(functionSize.zippedBytes)],
      [
        'function JavaScript: loaded at cold start (handler module alone) / in all',
        '',
        `${kB(functionSize.coldStartBytes)} (${kB(functionSize.handlerBytes)}) / ${kB(functionSize.totalBytes)}`,
        '',
      ],
      ['layer', String(layerSize.files), kB(layerSize.bytes), kB(layerSize.zippedBytes)],
    ],
  );
  const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const targetTable = markdownTable(
    ['Target', 'Figure', 'Must', 'Aim', ''],
    [
      [
        'app cold start to /health vs hello',
        `${targets.healthVsHello.toFixed(2)}×`,
        '≤ 1.5×',
        '≤ 1.0×',
        verdict(targets.healthVsHello <= 1.5),
      ],
      [
        'app cold start to first /users/me vs hello /health',
        `${targets.usersMeVsHelloHealth.toFixed(2)}×`,
        '≤ 2.0×',
        '≤ 1.3×',
        verdict(targets.usersMeVsHelloHealth <= 2),
      ],
      [
        'function bundle: minified JavaScript loaded at cold start',
        kB(functionSize.coldStartBytes),
        '≤ 400 kB',
        '',
        verdict(functionSize.coldStartBytes <= 400_000),
      ],
      [
        'layer unpacked',
        `${kB(layerSize.bytes)}, ${layerSize.files} files`,
        '≤ 1 MB, ≤ 25 files',
        '',
        verdict(layerSize.bytes <= 1_000_000 && layerSize.files <= 25),
      ],
      [
        'cold-start peak RSS vs hello (the larger app variant)',
        `${targets.peakRssVsHello.toFixed(2)}×`,
        '≤ 1.5×',
        '',
        verdict(targets.peakRssVsHello <= 1.5),
      ],
    ],
  );
  const markdown =
    `${processes} fresh processes per variant, alternated; process wall = spawn → first answer, in the Lambda layout outside the checkout; ` +
    'CPU = what the process spent on a core until then, all threads (on a shared machine, wall time also counts waiting for one).\n\n' +
    `${variantTable}\n\n${sizeTable}\n\n${targetTable}`;
  return { results: { processes, variants: figures, function: functionSize, layer: layerSize, targets }, markdown };
}

export const bench: Bench = {
  name: 'cold',
  description: 'Lambda cold start: fresh processes in the Lambda layout, the app vs a raw handler and an express hello',
  run,
};
