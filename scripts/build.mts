// Builds everything `npm run build` promises, with esbuild:
//   dist/function/index.js                              the Lambda bundle; @lambdalith/middleware and every
//                                                       package the layer ships are left external
//   dist/function/swagger-ui/                           the docs page's assets (the bundle has no node_modules)
//   dist/layer/nodejs/node_modules/@lambdalith/middleware/…  the layer, with its production dependencies
//   dist/server.js, dist/create-admin.js                 the local host and tools (node_modules stay external)
//
// Usage: node scripts/build.mts [function|layer|local ...] [--out-function DIR] [--out-layer DIR] [--out-local DIR]
//                                [--metafile FILE] [--local-metafile FILE] [--if-stale]
//   --out-function, --out-layer   build there instead of dist/function, dist/layer (the Makefile passes sam
//                                 build's ARTIFACTS_DIR); the folder is emptied first
//   --metafile   where to write the function's esbuild metafile (default: dist/function.meta.json when
//                building to dist/function, none otherwise)
//   --out-local  build the local targets there instead of dist/ (the Dockerfile test does)
//   --local-metafile   where to write the local build's esbuild metafile (none by default)
//   --if-stale   build the local targets only when a source is newer than dist/server.js (for `npm start`)
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { bundleMiddlewarePackage } from '../layers/middleware/scripts/build-package.mts';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import swaggerUiFiles from '../src/openapi/swagger-ui-files.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '..');
const layerSourceDir = join(root, 'layers/middleware');
const rootNodeModules = join(root, 'node_modules');

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const rootPackage = readJson(join(root, 'package.json'));
const layerPackage = readJson(join(layerSourceDir, 'package.json'));

/** Every package the layer puts under /opt/nodejs/node_modules, keyed by its path relative to that folder. */
export function layerPackageClosure(): Map<string, string> {
  const closure = new Map<string, string>();
  const visit = (packageDir: string, names: string[]): void => {
    for (const name of names) {
      const found = findInstalledPackage(name, packageDir);
      if (found === undefined) throw new Error(`${name} (needed by ${packageDir}) is not installed; run npm install`);
      const layerPath = layerRelativePath(found);
      if (closure.has(layerPath)) continue;
      if (name.startsWith('@aws-sdk/')) {
        throw new Error(`the layer would ship ${name}; a layer precedes the runtime's SDK on NODE_PATH and would shadow it`);
      }
      closure.set(layerPath, found);
      const manifest = readJson(join(found, 'package.json'));
      visit(found, [...Object.keys(manifest.dependencies ?? {}), ...installedOptional(manifest, found)]);
    }
  };
  // express is the layer's peer dependency: the layer provides it, so the function and the middleware
  // share one copy at run time instead of the bundle carrying its own.
  visit(layerSourceDir, [...Object.keys(layerPackage.dependencies ?? {}), ...Object.keys(layerPackage.peerDependencies ?? {})]);
  return closure;
}

function installedOptional(manifest: PackageJson, from: string): string[] {
  return Object.keys(manifest.optionalDependencies ?? {}).filter((name) => findInstalledPackage(name, from) !== undefined);
}

// Node's own lookup: node_modules of the folder, then of each parent.
function findInstalledPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function layerRelativePath(packageDir: string): string {
  const nestedUnderLayer = join(layerSourceDir, 'node_modules') + sep;
  if (packageDir.startsWith(nestedUnderLayer)) {
    return join('@lambdalith/middleware/node_modules', relative(nestedUnderLayer, packageDir));
  }
  return relative(rootNodeModules, packageDir);
}

/** Bare package names the layer provides; the function bundle must leave them (and their subpaths) external. */
function layerProvidedNames(): string[] {
  const names = new Set<string>([layerPackage.name]);
  for (const path of layerPackageClosure().keys()) {
    const match = /^((?:@[^/]+\/)?[^/]+)$/.exec(path.split(sep).join('/'));
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return [...names];
}

/**
 * How the function is bundled. The cold-start benchmark (scripts/bench/cold.ts) bundles its "hello" baseline
 * with the same options, so the two differ only in what they contain.
 */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  minify: true,
  keepNames: true,
  legalComments: 'none',
} as const satisfies BuildOptions;

async function buildFunction(outDir: string, metafilePath: string | undefined): Promise<Metafile> {
  cleanOutputDir(outDir);
  const result = await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: { index: join(root, 'src/lambda.ts') },
    outdir: outDir,
    external: layerProvidedNames(),
    define: { __MIDDLEWARE_BUILT_AGAINST__: JSON.stringify(layerPackage.version) },
    metafile: true,
    logLevel: 'warning',
  });
  copySwaggerUiAssets(join(outDir, 'swagger-ui'));
  if (metafilePath !== undefined) {
    mkdirSync(dirname(metafilePath), { recursive: true });
    writeFileSync(metafilePath, JSON.stringify(result.metafile));
  }
  return result.metafile;
}

// The docs page serves these files of swagger-ui-dist (the one list, shared with
// src/openapi/swagger-ui-assets.ts, which looks for them beside the bundle). The function has no
// node_modules, so they travel in the zip; the artifact test checks that every file the app serves is there.
const SWAGGER_UI_FILES: readonly string[] = swaggerUiFiles;

function copySwaggerUiAssets(targetDir: string): void {
  const sourceDir = findInstalledPackage('swagger-ui-dist', root);
  if (sourceDir === undefined) throw new Error('swagger-ui-dist is not installed; run npm install');
  mkdirSync(targetDir, { recursive: true });
  for (const file of SWAGGER_UI_FILES) cpSync(join(sourceDir, file), join(targetDir, file));
}

// Output folders are emptied first, so a stale file never ships. `sam build` and the Makefile pass folders
// from outside (ARTIFACTS_DIR): refuse one that holds the project, where emptying would delete the sources.
function cleanOutputDir(outDir: string): void {
  if (root === outDir || root.startsWith(`${outDir}${sep}`)) {
    throw new Error(`refusing to use ${outDir} as an output folder: it contains the project`);
  }
  rmSync(outDir, { recursive: true, force: true });
}

// Files Lambda never reads: types, source maps, docs, tests. They only slow deploys and cold starts.
const PRUNED_FILE = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|\.ts|\.tsbuildinfo)$/i;
const PRUNED_DIR = new Set(['test', 'tests', '__tests__', 'docs', 'doc', 'example', 'examples', '.github', 'coverage']);

async function buildLayer(outDir: string): Promise<void> {
  cleanOutputDir(outDir);
  const nodeModules = join(outDir, 'nodejs/node_modules');
  const packageDir = join(nodeModules, layerPackage.name);
  await bundleMiddlewarePackage(join(packageDir, 'dist'));
  const { name, version, license, dependencies, peerDependencies } = layerPackage;
  const manifest = { name, version, license, main: './dist/index.js', exports: { '.': './dist/index.js' }, dependencies, peerDependencies };
  writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const [layerPath, sourceDir] of layerPackageClosure()) {
    cpSync(sourceDir, join(nodeModules, layerPath), {
      recursive: true,
      dereference: true,
      filter: (source) => {
        const base = source.slice(source.lastIndexOf(sep) + 1);
        if (source === sourceDir) return true;
        // Nested node_modules are copied as packages of their own, when something needs them.
        if (base === 'node_modules') return false;
        if (statSync(source).isDirectory()) return !PRUNED_DIR.has(base.toLowerCase());
        return !PRUNED_FILE.test(base);
      },
    });
  }
}

// Local builds bundle our own code (the app and the middleware workspace, from source) and leave every
// installed package external, so `node dist/server.js` uses node_modules like any Node program.
const externalInstalledPackages: Plugin = {
  name: 'external-installed-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith(`${layerPackage.name}`) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

const LOCAL_ENTRY_POINTS = { server: 'src/server.ts', 'create-admin': 'scripts/create-admin.ts' };

async function buildLocal(outDir: string, metafilePath: string | undefined): Promise<void> {
  const entryPoints = Object.fromEntries(
    Object.entries(LOCAL_ENTRY_POINTS)
      .filter(([, source]) => existsSync(join(root, source)))
      .map(([name, source]) => [name, join(root, source)]),
  );
  const result = await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    conditions: ['source'],
    plugins: [externalInstalledPackages],
    metafile: metafilePath !== undefined,
    logLevel: 'warning',
  });
  if (metafilePath !== undefined) writeFileSync(metafilePath, JSON.stringify(result.metafile));
}

function newestSourceTime(): number {
  let newest = 0;
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') walk(join(path, entry));
    } else {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const path of ['src', 'scripts', 'layers/middleware/src', 'package.json', 'layers/middleware/package.json', 'package-lock.json']) {
    walk(join(root, path));
  }
  return newest;
}

function localBuildIsFresh(): boolean {
  const output = join(root, 'dist/server.js');
  return existsSync(output) && statSync(output).mtimeMs >= newestSourceTime();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'if-stale': { type: 'boolean', default: false },
      'out-function': { type: 'string' },
      'out-layer': { type: 'string' },
      'out-local': { type: 'string' },
      metafile: { type: 'string' },
      'local-metafile': { type: 'string' },
    },
  });
  const targets = positionals.length > 0 ? positionals : ['function', 'layer', 'local'];
  for (const target of targets) {
    if (!['function', 'layer', 'local'].includes(target)) throw new Error(`unknown build target "${target}" (function, layer, local)`);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  // The default build keeps its metafile in dist/ (the test of the bundle reads one); a build elsewhere (sam
  // build, the artifact tests) writes one only when asked, so it never touches dist/.
  const outFunction = values['out-function'];
  const metafile = values.metafile ?? (outFunction === undefined ? join(root, 'dist/function.meta.json') : undefined);
  const built: string[] = [];
  if (targets.includes('function')) {
    const outDir = resolve(outFunction ?? join(root, 'dist/function'));
    await buildFunction(outDir, metafile === undefined ? undefined : resolve(metafile));
    built.push(`function → ${relative(process.cwd(), join(outDir, 'index.js')) || '.'}`);
  }
  if (targets.includes('layer')) {
    const outDir = resolve(values['out-layer'] ?? join(root, 'dist/layer'));
    await buildLayer(outDir);
    built.push(`layer → ${relative(process.cwd(), join(outDir, 'nodejs/node_modules'))}`);
  }
  if (targets.includes('local') && !(values['if-stale'] && localBuildIsFresh())) {
    const localMetafile = values['local-metafile'];
    const outDir = resolve(values['out-local'] ?? join(root, 'dist'));
    await buildLocal(outDir, localMetafile === undefined ? undefined : resolve(localMetafile));
    built.push(`local server → ${relative(process.cwd(), join(outDir, 'server.js'))}`);
  }
  // One line on stderr, so a build's stdout stays clean for tools that read it.
  if (built.length > 0) process.stderr.write(`built ${built.join(', ')}\n`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

export { rootPackage };
