// How the Node.js Lambda runtime finds a function's handler, for the stand-ins that play it (the local gateway's
// execution environments and the artifact test's): `<module>.<export>` from _HANDLER, the module being
// <module>.js, .mjs or .cjs in the task root, an .mjs loaded as an ES module, the others with require(). The
// layer's packages are then found only through NODE_PATH, as in Lambda. Imports nothing but node: on purpose:
// it runs beside the function in its task root's terms, and the project's node_modules must not leak in.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A Lambda handler as the runtime calls it. */
export type LambdaHandler = (event: unknown, context: object) => Promise<unknown>;

/** Loads `handlerSetting` (e.g. `index.handler`) from `taskRoot`; throws as the runtime's init would fail. */
export async function loadLambdaHandler(taskRoot: string, handlerSetting: string): Promise<LambdaHandler> {
  const [moduleName = 'index', exportName = 'handler'] = handlerSetting.split('.');
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => join(taskRoot, `${moduleName}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Cannot find module '${moduleName}' in ${taskRoot} (.js, .mjs or .cjs)`);
  const loaded: unknown = file.endsWith('.mjs')
    ? await import(pathToFileURL(file).href)
    : createRequire(join(taskRoot, 'runtime.cjs'))(file);
  const candidate =
    typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[exportName] : undefined;
  if (typeof candidate !== 'function') throw new Error(`${handlerSetting} is not a function exported by ${file}`);
  return candidate as LambdaHandler;
}
