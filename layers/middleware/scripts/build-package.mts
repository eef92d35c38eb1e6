// Builds what `npm pack` ships of @lambdalith/middleware (run by the package's `prepack`, or `npm run build -w
// layers/middleware`):
//   dist/index.js     the package as one CommonJS file (esbuild, as scripts/build.mts builds it for the layer:
//                     our modules bundled, every dependency left to `require`)
//   dist/**/*.d.ts    its declarations, with their TSDoc (tsc -p tsconfig.build.json, declarations only)
// Inside the monorepo nothing reads dist/: tsc, jest and esbuild resolve the package to src/ through the
// `source` export condition.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const packageDir = resolve(import.meta.dirname, '..');
const distDir = join(packageDir, 'dist');
const require = createRequire(import.meta.url);

/**
 * The package's JavaScript as one CommonJS file in `outDir`: our modules bundled, every dependency left to
 * `require`. The Lambda layer build (scripts/build.mts) uses this too, so the npm package and the layer ship
 * the same code.
 */
export async function bundleMiddlewarePackage(outDir: string): Promise<void> {
  await build({
    entryPoints: { index: join(packageDir, 'src/index.ts') },
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (import.meta.main) {
  // A stale declaration of a deleted module must never ship.
  rmSync(distDir, { recursive: true, force: true });
  await bundleMiddlewarePackage(distDir);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
}
