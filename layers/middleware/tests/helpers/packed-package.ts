import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// What `npm pack` makes of the package, installed into a folder outside the repository the way another
// project would get it, but offline: the tarball is extracted into the consumer's node_modules and the packed
// manifest's dependencies (plus what the consumer names) are linked from the repository's node_modules, so a
// dependency the bundle needs but the manifest does not declare fails. Used by packaging.test.ts and by the
// project's adoption test (tests/migrating/).

const packageDir = resolve(__dirname, '../..');
const projectDir = resolve(packageDir, '../..');
const projectModules = join(projectDir, 'node_modules');
// The Node that runs jest (the project's Node 24) runs npm and its prepack too.
export const consumerEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };

export interface PackedManifest {
  readonly main: string;
  readonly types: string;
  readonly exports: Record<string, Record<string, string>>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
}

/** Runs `npm pack -w layers/middleware` into `destination` and returns the tarball's path. */
export function packMiddleware(destination: string): string {
  mkdirSync(destination, { recursive: true });
  // prepack rebuilds dist/ in place; two test files packing at once would build over each other.
  withPackLock(() => {
    execFileSync('npm', ['pack', '--pack-destination', destination, '--workspace', 'layers/middleware'], {
      cwd: projectDir,
      env: consumerEnv,
      stdio: 'pipe',
    });
  });
  const [tarball] = readdirSync(destination).filter((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  return join(destination, tarball);
}

/**
 * Installs the tarball as `consumerDir/node_modules/@lambdalith/middleware` and links its dependencies, its peer
 * dependencies and `alsoLink` from the repository. Returns where it was installed and its manifest.
 */
export function installPackedMiddleware(
  tarball: string,
  consumerDir: string,
  alsoLink: readonly string[] = [],
): { installedDir: string; manifest: PackedManifest } {
  const installedDir = join(consumerDir, 'node_modules/@lambdalith/middleware');
  mkdirSync(installedDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installedDir, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')) as PackedManifest;
  const linked = new Set([
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
    ...alsoLink,
  ]);
  for (const name of linked) {
    mkdirSync(dirname(join(consumerDir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(projectModules, name), join(consumerDir, 'node_modules', name), 'dir');
  }
  return { installedDir, manifest };
}

const LOCK_DIR = join(
  tmpdir(),
  `lambdalith-middleware-pack-${Buffer.from(projectDir).toString('base64url').slice(-40)}.lock`,
);
const STALE_LOCK_MS = 120_000;

/** A lock across jest workers: mkdir is atomic. A lock older than any pack is left by a killed run. */
function withPackLock(run: () => void): void {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - lockAge() > STALE_LOCK_MS || Date.now() > deadline)
        rmSync(LOCK_DIR, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    run();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function lockAge(): number {
  try {
    return statSync(LOCK_DIR).mtimeMs;
  } catch {
    return Date.now();
  }
}
