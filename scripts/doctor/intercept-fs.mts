// Lambda's file system is read-only outside /tmp. Writes there are recorded and sent to /dev/null (or skipped,
// for mkdir, rename and the like), so the doctor never changes the project's files and the app keeps loading.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWritableInLambda } from './lambda-filesystem.mts';
import { observed, sighting } from './observations.mts';

type AnyFunction = (...args: unknown[]) => unknown;
/** `redirect`: run it on /dev/null instead; `skip`: pretend it succeeded. */
type Treatment = 'redirect' | 'skip';
type Style = 'sync' | 'callback' | 'promise';

interface Wrapped {
  readonly name: string;
  readonly treatment: Treatment;
  readonly style: Style;
  /** Which argument is the path written (rename and copyFile write their second). */
  readonly pathIndex: number;
}

const writers: readonly Wrapped[] = [
  ...(['writeFile', 'appendFile'] as const).flatMap((name) => variants(name, 'redirect', 0)),
  ...(['mkdir', 'rm', 'rmdir', 'unlink', 'truncate', 'utimes', 'chmod', 'symlink', 'link'] as const).flatMap((name) =>
    variants(name, 'skip', 0),
  ),
  ...(['rename', 'copyFile', 'cp'] as const).flatMap((name) => variants(name, 'skip', 1)),
  ...variants('open', 'redirect', 0),
  { name: 'createWriteStream', treatment: 'redirect', style: 'sync', pathIndex: 0 },
];

function variants(name: string, treatment: Treatment, pathIndex: number): Wrapped[] {
  return [
    { name: `${name}Sync`, treatment, style: 'sync', pathIndex },
    { name, treatment, style: 'callback', pathIndex },
    { name, treatment, style: 'promise', pathIndex },
  ];
}

export function interceptFileWrites(): void {
  for (const writer of writers) {
    const owner = (writer.style === 'promise' ? fs.promises : fs) as unknown as Record<string, AnyFunction>;
    const original = owner[writer.name];
    if (typeof original !== 'function') continue;
    owner[writer.name] = function writeInsideTmpOnly(this: unknown, ...args: unknown[]) {
      const path = pathOf(args[writer.pathIndex]);
      if (path === undefined || isWritableInLambda(path) || !opensForWriting(writer, args))
        return original.apply(this, args);
      observed.fileWrites.push({ operation: writer.name, path, ...sighting() });
      if (writer.treatment === 'redirect') {
        const redirected = [...args];
        redirected[writer.pathIndex] = '/dev/null';
        return original.apply(this, redirected);
      }
      if (writer.style === 'promise') return Promise.resolve(undefined);
      const callback = args.at(-1);
      if (writer.style === 'callback' && typeof callback === 'function')
        process.nextTick(() => (callback as AnyFunction)(null));
      return undefined;
    };
  }
  // ESM `import { writeFileSync } from 'node:fs'` reads the builtin's export bindings, not the object.
  syncBuiltinESMExports();
}

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return resolve(value);
  if (value instanceof URL) return fileURLToPath(value);
  if (Buffer.isBuffer(value)) return resolve(value.toString());
  return undefined; // a file descriptor: opened (and checked) earlier
}

function opensForWriting(writer: Wrapped, args: readonly unknown[]): boolean {
  if (!writer.name.startsWith('open')) return true;
  const flags = args[1];
  if (typeof flags === 'number')
    return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0;
  return typeof flags === 'string' && /[wa+]/.test(flags);
}
