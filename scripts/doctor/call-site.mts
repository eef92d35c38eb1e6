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
    const [, location, lineNumber] = framePattern.exec(line.trim()) ?? [];
    if (location === undefined || lineNumber === undefined) continue;
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    if (file.startsWith(doctorDir + sep) || isDependency(file)) continue;
    return `${relative(process.cwd(), file)}:${lineNumber}`;
  }
  return undefined;
}

export function isDependency(file: string): boolean {
  return file.includes(`${sep}node_modules${sep}`);
}
