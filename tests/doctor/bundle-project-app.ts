import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const projectDir = resolve(__dirname, '../..');

// Packages stay in node_modules, where the doctor's instrumentation sees express load; only the project's
// own code and the middleware workspace (from its TypeScript source, as jest and tsc resolve it) are bundled.
const packagesExternal: Plugin = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@lambdalith/middleware') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Bundles tests/doctor/project-app-entry.ts to one CommonJS file inside the project (so its packages resolve
 * from the project's node_modules) and returns its path.
 */
export async function bundleProjectApp(): Promise<string> {
  const cacheDir = join(projectDir, 'node_modules/.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(mkdtempSync(join(cacheDir, 'lambdalith-doctor-')), 'project-app.cjs');
  await build({
    entryPoints: [join(__dirname, 'project-app-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    conditions: ['source'],
    plugins: [packagesExternal],
    logLevel: 'warning',
  });
  return outfile;
}
