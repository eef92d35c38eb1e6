import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../contract/cloudformation';
import { testDynamoDbEndpoint } from '../helpers/test-environment';

// `npm run bench` in smoke mode (a few iterations), so the benchmarks cannot rot: every figure must be
// produced. Their values say nothing on a shared CI machine and are never asserted (see BENCHMARKS.md).
// `--smoke` without names runs every registered benchmark, the opt-in ones (gateway) too.

const run = promisify(execFile);
const positive = expect.any(Number) as unknown as number;

let dir: string;
let results: Record<string, unknown>;

beforeAll(async () => {
  // Arrange / Act: the bench's own DynamoDB Local is replaced by the suite's, to save a JVM start.
  dir = mkdtempSync(join(tmpdir(), 'lambdalith-bench-smoke-'));
  const resultsFile = join(dir, 'results.json');
  await run(
    process.execPath,
    ['scripts/bench.mts', '--smoke', '--results', resultsFile, '--dynamodb-endpoint', testDynamoDbEndpoint()],
    {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectFinitePositive(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    expect([name, Number.isFinite(value) && (value as number) > 0]).toEqual([name, true]);
  }
}

describe('npm run bench -- --smoke', () => {
  it('records the cold start of every variant: median and p90 wall time, CPU time and peak RSS', () => {
    const cold = results['cold'] as {
      variants: Record<string, { medianMs: number; p90Ms: number; medianCpuMs: number; peakRssMiB: number }>;
    };

    expect(Object.keys(cold.variants)).toEqual(['raw', 'hello', 'health', 'usersMe']);
    for (const variant of Object.values(cold.variants)) {
      expect(variant).toMatchObject({
        medianMs: positive,
        p90Ms: positive,
        medianCpuMs: positive,
        peakRssMiB: positive,
      });
      expectFinitePositive({
        medianMs: variant.medianMs,
        p90Ms: variant.p90Ms,
        medianCpuMs: variant.medianCpuMs,
        peakRssMiB: variant.peakRssMiB,
      });
    }
  });

  it('records the artifact sizes and every cold-start target figure', () => {
    const cold = results['cold'] as {
      function: Record<string, number>;
      layer: Record<string, number>;
      targets: Record<string, number>;
    };

    expectFinitePositive(cold.function);
    expectFinitePositive(cold.layer);
    expect(Object.keys(cold.targets).sort()).toEqual(
      [
        'functionBundleKB',
        'healthVsHello',
        'healthVsHelloCpu',
        'layerFiles',
        'layerUnpackedKB',
        'peakRssVsHello',
        'usersMeVsHelloHealth',
        'usersMeVsHelloHealthCpu',
      ].sort(),
    );
    expectFinitePositive(cold.targets);
  });

  it('records the warm cost of the bare hello and of the full stack with its request log and metrics on, each alone, and off', () => {
    const warm = results['warm'] as {
      variants: { bestUs: number; medianUs: number }[];
      deployedVsBare: Record<string, number>;
    };

    expect(warm.variants).toHaveLength(5);
    for (const variant of warm.variants) expectFinitePositive({ bestUs: variant.bestUs, medianUs: variant.medianUs });
    expectFinitePositive(warm.deployedVsBare);
  });

  it('records warm GET /health and GET /users/me through npm start and through the local gateway, and their ratios', () => {
    const gateway = results['gateway'] as {
      routes: Record<
        string,
        {
          npmStart: Record<string, number>;
          gateway: Record<string, number>;
          gatewayVsNpmStart: Record<string, number>;
        }
      >;
      worstRouteRatio: number;
    };

    expect(Object.keys(gateway.routes)).toEqual(['health', 'usersMe']);
    for (const route of Object.values(gateway.routes)) {
      expectFinitePositive(route.npmStart);
      expectFinitePositive(route.gateway);
      expectFinitePositive(route.gatewayVsNpmStart);
    }
    expectFinitePositive({ worstRouteRatio: gateway.worstRouteRatio });
  });
});

describe('npm run bench -- gateway --smoke, the gateway serving a build whose handler throws', () => {
  it('exits non-zero naming the 502 the gateway answered, instead of timing errors', async () => {
    // Arrange: a function build that answers every invocation with an error, and an empty layer.
    const broken = join(dir, 'broken');
    mkdirSync(join(broken, 'task'), { recursive: true });
    mkdirSync(join(broken, 'opt'));
    writeFileSync(
      join(broken, 'task/index.js'),
      "exports.handler = async () => { throw new Error('a broken build'); };\n",
    );

    // Act
    const failure = await run(
      process.execPath,
      [
        'scripts/bench.mts',
        'gateway',
        '--smoke',
        '--results',
        join(broken, 'results.json'),
        '--dynamodb-endpoint',
        testDynamoDbEndpoint(),
        '--function-dir',
        join(broken, 'task'),
        '--layer-dir',
        join(broken, 'opt'),
      ],
      { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 },
    ).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );

    // Assert
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('gateway: GET /health answered 502') });
    expect(failure?.stderr).toContain('the function threw: Error: a broken build');
    expect(existsSync(join(broken, 'results.json'))).toBe(false);
  }, 60_000);
});
