// What of the file system a function may write in Lambda: /tmp, and nothing of its own deployment package
// (the task root, /var/task, is read-only). Locally the app's own folder may itself lie under /tmp (a checkout
// in a temporary folder), so "under /tmp" alone is not the rule: the app's package is never writable.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

let deployedPackage: string | undefined;

/** Declares the app being checked: its package (the folder of the nearest package.json, else its own folder). */
export function declareDeployedApp(entry: string): void {
  for (let dir = dirname(resolve(entry)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      deployedPackage = dir;
      return;
    }
    if (dirname(dir) === dir) break;
  }
  deployedPackage = dirname(resolve(entry));
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + sep);

/** Whether Lambda lets a function write `path`: under /tmp (or /dev), and not inside its own package. */
export function isWritableInLambda(path: string): boolean {
  const target = resolve(path);
  if (deployedPackage !== undefined && within(target, deployedPackage)) return false;
  return [resolve('/tmp'), resolve(tmpdir()), '/dev'].some((dir) => within(target, dir));
}
