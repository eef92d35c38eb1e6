// Builds everything `npm run build` promises, with esbuild:
//   dist/function/index.mjs (+ chunks)                  the Lambda bundle; @lambdalith/middleware and
//                                                       express (the layer provides both) are left external
//   dist/function/swagger-ui/                           the docs page's assets (the bundle has no node_modules)
//   dist/layer/nodejs/node_modules/@lambdalith/middleware/…  the layer: the middleware as one minified bundle
//   dist/layer/nodejs/node_modules/express/…                  (its dependencies inside), and express, its peer
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
import { bundleMiddlewarePackage, LAZILY_LOADED_DEPENDENCIES } from '../layers/middleware/scripts/build-package.mts';
import { leanBundlePlugins } from './bundle-plugins.mts';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import swaggerUiFiles from '../src/openapi/swagger-ui-files.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '..');
const layerSourceDir = join(root, 'layers/middleware');

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

// The layer ships one bundle per package the function imports by name, not a node_modules tree: the
// middleware (its own dependencies bundled in) and its peer dependencies (express), which the function and
// the middleware share: exactly one express at run time. A few files instead of ~1,900 is most of the cold
// start the layer used to cost (BENCHMARKS.md).
const layerPeerNames = Object.keys(layerPackage.peerDependencies ?? {});

/** Bare package names the layer provides; the function bundle must leave them (and their subpaths) external. */
function layerProvidedNames(): string[] {
  return [layerPackage.name, ...layerPeerNames];
}

// Node's own lookup: node_modules of the folder, then of each parent.
function findInstalledPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * How the function is bundled. The cold-start benchmark (scripts/bench/cold.ts) bundles its "hello" baseline
 * with the same options, so the two differ only in what they contain.
 *
 * ES modules with code splitting: `index.mjs` holds what every cold start runs, and what is only loaded on
 * first use (`await import()`: the SES client, the credential providers Lambda never reaches because its
 * credentials are in the environment) becomes chunks beside it, loaded if and when needed. Lambda loads
 * `index.handler` from index.mjs as an ES module.
 */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  entryNames: '[name]',
  // Chunks sit beside index.mjs, so `__dirname` (below) means the task root in every file.
  chunkNames: '[name]-[hash]',
  // The bundled CommonJS code (express's friends, the SDK's CommonJS parts) calls require() and reads
  // __dirname: every output file gets them, for its own location.
  banner: {
    js: [
      "import { createRequire as __lambdalithCreateRequire } from 'node:module';",
      "import { dirname as __lambdalithDirname } from 'node:path';",
      "import { fileURLToPath as __lambdalithFileURLToPath } from 'node:url';",
      'const require = __lambdalithCreateRequire(import.meta.url);',
      'const __filename = __lambdalithFileURLToPath(import.meta.url);',
      'const __dirname = __lambdalithDirname(__filename);',
    ].join(' '),
  },
  sourcemap: true,
  sourcesContent: false,
  minify: true,
  keepNames: true,
  legalComments: 'none',
  // The AWS SDK's packages ship CommonJS (`main`, one pre-bundled file each) and ES modules (`module`, one file
  // per export): the ES modules let esbuild drop what the app never calls and split off what it imports lazily.
  mainFields: ['module', 'main'],
} as const satisfies BuildOptions;

/**
 * The layer's packages are imported through `require()`. Node's ES module resolution ignores NODE_PATH, which
 * is how Lambda puts a layer's /opt/nodejs/node_modules in reach; require() (from createRequire, see the
 * banner above) honours it. So `import … from 'express'` becomes a CommonJS wrapper whose require() stays
 * external.
 */
function layerPackagesThroughRequire(names: readonly string[]): Plugin {
  const isLayerPackage = (path: string): boolean => names.some((name) => path === name || path.startsWith(`${name}/`));
  return {
    name: 'layer-packages-through-require',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!isLayerPackage(args.path)) return undefined;
        return args.kind === 'require-call'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'layer-package' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'layer-package' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

async function buildFunction(outDir: string, metafilePath: string | undefined): Promise<Metafile> {
  cleanOutputDir(outDir);
  const result = await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: { index: join(root, 'src/lambda.ts') },
    outdir: outDir,
    plugins: [layerPackagesThroughRequire(layerProvidedNames()), ...leanBundlePlugins],
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

async function buildLayer(outDir: string): Promise<void> {
  cleanOutputDir(outDir);
  const nodeModules = join(outDir, 'nodejs/node_modules');

  const middlewareDir = join(nodeModules, layerPackage.name);
  const middleware = await bundleMiddlewarePackage(join(middlewareDir, 'dist'), {
    bundleDependencies: true,
    plugins: leanBundlePlugins,
  });
  const { name, version, license, peerDependencies } = layerPackage;
  writeManifest(middlewareDir, {
    name,
    version,
    license,
    main: './dist/index.js',
    exports: { '.': './dist/index.js' },
    peerDependencies,
  });
  writeLicenses(middlewareDir, middleware);

  // One bundle per package the middleware requires rather than contains: its peers (express, shared with the
  // function) and what it loads on first use (express-validator), resolved from the middleware's folder.
  for (const peer of [...layerPeerNames, ...LAZILY_LOADED_DEPENDENCIES]) {
    const sourceDir = findInstalledPackage(peer, layerSourceDir);
    if (sourceDir === undefined) throw new Error(`${peer} (which the layer ships) is not installed; run npm install`);
    const peerManifest = readJson(join(sourceDir, 'package.json'));
    const peerDir = join(nodeModules, peer);
    const result = await build({
      entryPoints: { index: createRequire(join(layerSourceDir, 'package.json')).resolve(peer) },
      outdir: peerDir,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      keepNames: true,
      legalComments: 'none',
      plugins: leanBundlePlugins,
      metafile: true,
      logLevel: 'warning',
    });
    writeManifest(peerDir, {
      name: peerManifest.name,
      version: peerManifest.version,
      license: peerManifest.license,
      main: './index.js',
    });
    writeLicenses(peerDir, result.metafile);
  }
}

function writeManifest(packageDir: string, manifest: Record<string, unknown>): void {
  writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

// A bundle drops the packages' own LICENSE files; their notices travel in one LICENSES.txt beside it. The
// same pass refuses an AWS SDK in the layer: a layer precedes the runtime's SDK on NODE_PATH.
function writeLicenses(packageDir: string, metafile: Metafile): void {
  const packageDirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    if (/^[\w-]+:/.test(input)) continue; // a plugin's virtual module (namespace:path), not a file
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(resolve(input).split(sep).join('/'));
    if (match?.[1] !== undefined) packageDirs.add(match[1]);
  }
  const notices = [...packageDirs].sort().map((dir) => {
    const manifest = readJson(join(dir, 'package.json'));
    if (manifest.name.startsWith('@aws-sdk/')) {
      throw new Error(
        `the layer would ship ${manifest.name}; a layer precedes the runtime's SDK on NODE_PATH and would shadow it`,
      );
    }
    const licenseFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
    const text =
      licenseFile === undefined
        ? `(no license file; package.json says ${manifest.license ?? 'nothing'})`
        : readFileSync(join(dir, licenseFile), 'utf8').trim();
    return `${manifest.name}@${manifest.version} (${manifest.license ?? 'unknown'})\n\n${text}\n`;
  });
  writeFileSync(
    join(packageDir, 'LICENSES.txt'),
    `Packages bundled into this folder's JavaScript, with their licenses.\n\n${notices.join(`\n${'-'.repeat(80)}\n\n`)}`,
  );
}

// Local builds bundle our own code (the app and the middleware workspace, from source) and leave every
// installed package external, so `node dist/server.js` uses node_modules like any Node program.
const externalInstalledPackages: Plugin = {
  name: 'external-installed-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith(`${layerPackage.name}`) || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

const LOCAL_ENTRY_POINTS = { server: 'src/server.ts', 'create-admin': 'src/create-admin.ts' };

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
  for (const path of [
    'src',
    'scripts',
    'layers/middleware/src',
    'package.json',
    'layers/middleware/package.json',
    'package-lock.json',
  ]) {
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
    if (!['function', 'layer', 'local'].includes(target))
      throw new Error(`unknown build target "${target}" (function, layer, local)`);
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
    built.push(`function → ${relative(process.cwd(), join(outDir, 'index.mjs')) || '.'}`);
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
