// npm run bench: runs the benchmarks under scripts/bench/ and records what they measured.
//
// Usage: npm run bench [-- <name>...] [--smoke] [--results FILE] [module options]
//   <name>      which benchmarks (default: the default set below, in its order: cold, warm; `gateway` by name)
//   --smoke     a few iterations each: proves every figure is produced (the test suite runs this), writes
//               nothing unless --results is given; without names, runs EVERY benchmark, opt-in ones too
//   --results   where to write the figures as JSON (default bench/results.json; a full run also rewrites
//               the "Latest run" section of BENCHMARKS.md)
// Progress goes to stderr; the tables go to stdout.
//
// The modules are TypeScript that imports the project's sources and its Lambda harness (scripts/lambda: the Lambda
// layout, the runtime stand-in, the fake AWS), which plain Node cannot load (extension-less imports, the
// workspace's `source` condition). So each is bundled with esbuild into node_modules/.cache first, our code
// bundled and installed packages left to `require`, with each file's own __dirname kept.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import type { Bench, BenchReport } from './bench/bench.ts';

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules/.cache/lambdalith-bench');

interface RegisteredBench {
  readonly source: string;
  /** Run by a bare `npm run bench`; the others only by name (and always by `--smoke`, so none can rot). */
  readonly inDefaultSet: boolean;
}

/** Every benchmark, by the name `npm run bench -- <name>` selects it with. Add new ones here. */
const BENCHES: Readonly<Record<string, RegisteredBench>> = {
  cold: { source: 'scripts/bench/cold.ts', inDefaultSet: true },
  warm: { source: 'scripts/bench/warm.ts', inDefaultSet: true },
  // Opt-in: it starts a server, a gateway (which builds the function and layer) and DynamoDB Local, and its
  // 10 × 300 requests per host and route would roughly double a full run.
  gateway: { source: 'scripts/bench/gateway.ts', inDefaultSet: false },
};

const BENCHMARKS_MD = join(root, 'BENCHMARKS.md');
const LATEST_START = '<!-- bench:latest:start (written by npm run bench; edit outside these markers) -->';
const LATEST_END = '<!-- bench:latest:end -->';

// Our code keeps the __dirname (and import.meta paths) of its source file, not of the bundle in the cache:
// the test harness finds the runtime stand-in and the template relative to itself.
const ownPaths: Plugin = {
  name: 'own-paths',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.m?ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const paths: Record<string, string> = {
        'import.meta.dirname': JSON.stringify(dirname(args.path)),
        'import.meta.filename': JSON.stringify(args.path),
        'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
        __dirname: JSON.stringify(dirname(args.path)),
        __filename: JSON.stringify(args.path),
      };
      // String literals are matched first and kept as they are (the function build's banner is one).
      const contents = readFileSync(args.path, 'utf8').replace(
        /('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)|(import\.meta\.(?:dirname|filename|url)|\b__dirname\b|\b__filename\b)/g,
        (match, literal: string | undefined, path: string | undefined) =>
          literal === undefined && path !== undefined ? (paths[path] ?? match) : match,
      );
      return { contents, loader: 'ts' };
    });
  },
};

const externalInstalledPackages: Plugin = {
  name: 'external-installed-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@lambdalith/middleware') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

async function loadBench(name: string, source: string): Promise<Bench> {
  const outfile = join(cacheDir, `${name}.mjs`);
  await build({
    entryPoints: [join(root, source)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // Our sources are CommonJS-minded (require.resolve): give the module a require, resolving from the cache.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    conditions: ['source'],
    plugins: [ownPaths, externalInstalledPackages],
    logLevel: 'error',
  });
  const loaded = (await import(pathToFileURL(outfile).href)) as { bench?: Bench };
  if (loaded.bench === undefined) throw new Error(`${source} exports no \`bench\``);
  return loaded.bench;
}

function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${process.arch}`,
    node: process.version,
  };
}

function writeLatestSection(command: string, date: string, reports: readonly [string, BenchReport][]): void {
  const text = readFileSync(BENCHMARKS_MD, 'utf8');
  const start = text.indexOf(LATEST_START);
  const end = text.indexOf(LATEST_END);
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md has no ${LATEST_START} … ${LATEST_END} section`);
  const m = machine();
  const body = [
    `Command: \`${command}\` · ${date} · Node ${m['node']} · ${m['cpus']} × ${m['cpu']}, ${m['memoryGiB']} GiB, ${m['os']}`,
    ...reports.map(([name, report]) => `### ${name}\n\n${report.markdown}`),
  ].join('\n\n');
  writeFileSync(BENCHMARKS_MD, `${text.slice(0, start + LATEST_START.length)}\n\n${body}\n\n${text.slice(end)}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Benchmark names come first; everything from the first option on is options (the modules parse their own).
  const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
  const positionals = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const options = firstOption < 0 ? [] : argv.slice(firstOption);
  const { values } = parseArgs({
    args: options,
    strict: false,
    options: { smoke: { type: 'boolean', default: false }, results: { type: 'string' } },
  });
  const smoke = values.smoke === true;
  const names =
    positionals.length > 0
      ? positionals
      : Object.keys(BENCHES).filter((name) => smoke || BENCHES[name]?.inDefaultSet === true);
  for (const name of names) {
    if (BENCHES[name] === undefined)
      throw new Error(`unknown benchmark "${name}" (${Object.keys(BENCHES).join(', ')})`);
  }
  const resultsFile =
    typeof values.results === 'string' ? resolve(values.results) : smoke ? undefined : join(root, 'bench/results.json');
  mkdirSync(cacheDir, { recursive: true });

  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const date = new Date().toISOString();
  const reports: [string, BenchReport][] = [];
  for (const name of names) {
    const bench = await loadBench(name, BENCHES[name]?.source ?? '');
    process.stderr.write(`\n▶ ${name}: ${bench.description}${smoke ? ' (smoke)' : ''}\n`);
    const report = await bench.run({ smoke, args: options, progress: (line) => process.stderr.write(`  ${line}\n`) });
    reports.push([name, report]);
    process.stdout.write(`\n## ${name}\n\n${report.markdown}\n`);
  }

  if (resultsFile !== undefined) {
    mkdirSync(dirname(resultsFile), { recursive: true });
    const results = {
      command,
      date,
      smoke,
      machine: machine(),
      ...Object.fromEntries(reports.map(([name, report]) => [name, report.results])),
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    process.stderr.write(`\nresults → ${relative(process.cwd(), resultsFile)}\n`);
  }
  if (!smoke && values.results === undefined) {
    writeLatestSection(command, date, reports);
    process.stderr.write(`latest run → ${relative(process.cwd(), BENCHMARKS_MD)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
