// Where in the app's own code something happened: the first stack frame outside Node, the doctor and
// node_modules, as `path:line` relative to the working directory.
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const doctorDir = import.meta.dirname;
// `at fn (/abs/file.js:1:2)`, `at /abs/file.js:1:2`, `at file:///abs/file.mjs:1:2`; never `node:internal/...`.
const framePattern = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/;

/** The app's frame that led here, or undefined when none of the stack is the app's. */
export function appCallSite(stack = new Error().stack ?? ''): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const match = framePattern.exec(line.trim());
    if (match === null) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(doctorDir + sep) || isDependency(file)) continue;
    return `${relative(process.cwd(), file)}:${match[2]!}`;
  }
  return undefined;
}

export function isDependency(file: string): boolean {
  return file.includes(`${sep}node_modules${sep}`);
}
