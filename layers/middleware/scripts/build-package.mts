// Builds what `npm pack` ships of @lambdalith/middleware (run by the package's `prepack`, or `npm run build -w
// layers/middleware`):
//   dist/index.js     the package as one CommonJS file (esbuild): our modules bundled, every dependency left to
//                     `require` (the Lambda layer's build bundles the dependencies in; see bundleMiddlewarePackage)
//   dist/**/*.d.ts    its declarations, with their TSDoc (tsc -p tsconfig.build.json, declarations only)
// Inside the monorepo nothing reads dist/: tsc, jest and esbuild resolve the package to src/ through the
// `source` export condition.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const packageDir = resolve(import.meta.dirname, '..');
const distDir = join(packageDir, 'dist');
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  peerDependencies?: Record<string, string>;
};

/**
 * Dependencies the package loads only when first used (express-validator: by `validate()`, on the first
 * validated request; see src/validation/deferred-chains.ts). The layer ships each as a bundle of its own,
 * beside the middleware's, so a cold start neither parses nor runs them until a request needs them.
 */
export const LAZILY_LOADED_DEPENDENCIES: readonly string[] = ['express-validator'];

/** How {@link bundleMiddlewarePackage} treats the package's dependencies. */
export interface MiddlewareBundleOptions {
  /**
   * `false` (npm pack): every dependency is left to `require`, as a package installed from npm expects.
   * `true` (the Lambda layer): the dependencies are bundled in and the file minified, so the layer ships one
   * file instead of their node_modules; peer dependencies (express) stay external, so the function and the
   * middleware share the layer's one copy, and so do the {@link LAZILY_LOADED_DEPENDENCIES}, which the layer
   * ships as bundles of their own.
   */
  readonly bundleDependencies?: boolean;
  /** esbuild plugins for the bundle (the layer build passes the ones that keep it small). */
  readonly plugins?: Plugin[];
}

/**
 * The package's JavaScript as one CommonJS file in `outDir` (`index.js`). The Lambda layer build
 * (scripts/build.mts) uses this too, so the npm package and the layer ship the same code. Returns esbuild's
 * metafile (what went into the bundle).
 */
export async function bundleMiddlewarePackage(
  outDir: string,
  options: MiddlewareBundleOptions = {},
): Promise<Metafile> {
  const peers = Object.keys(manifest.peerDependencies ?? {});
  const result = await build({
    entryPoints: { index: join(packageDir, 'src/index.ts') },
    outdir: outDir,
    bundle: true,
    ...(options.bundleDependencies === true
      ? { external: [...peers, ...LAZILY_LOADED_DEPENDENCIES], minify: true, keepNames: true }
      : { packages: 'external' as const }),
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    legalComments: 'none',
    plugins: options.plugins ?? [],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.main) {
  // A stale declaration of a deleted module must never ship.
  rmSync(distDir, { recursive: true, force: true });
  await bundleMiddlewarePackage(distDir);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
}
