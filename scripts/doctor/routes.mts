// Lists an Express 4 or 5 app's routes with their full paths: routers and sub-apps are followed at the
// paths they were mounted at, however many files they are spread over.
import { routerOf, type ExpressApp, type Layer } from './express-shape.mts';
import { mountedAppOf, mountPathOf } from './instrument-packages.mts';
import type { RouteEntry } from './report-types.mts';

export function listRoutes(app: ExpressApp): RouteEntry[] {
  const routes: RouteEntry[] = [];
  collect(routerOf(app)?.stack ?? [], '', routes, new Set());
  return routes;
}

function collect(stack: readonly Layer[], prefix: string, routes: RouteEntry[], visiting: Set<object>): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const methods = routeMethods(layer.route);
      for (const path of [layer.route.path].flat()) {
        for (const method of methods)
          routes.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: join(prefix, path) });
      }
      continue;
    }
    // A router is a layer whose handle has a stack; a sub-app hides behind Express's `mounted_app` wrapper.
    const subApp = mountedAppOf(layer);
    const nestedStack = subApp !== undefined ? routerOf(subApp)?.stack : layer.handle.stack;
    // A router can be mounted inside itself; follow each one once per branch.
    if (nestedStack === undefined || visiting.has(nestedStack)) continue;
    visiting.add(nestedStack);
    for (const mount of [mountPathOf(layer) ?? mountPathFromRegExp(layer)].flat())
      collect(nestedStack, join(prefix, mount), routes, visiting);
    visiting.delete(nestedStack);
  }
}

/** Express 4's app.all() registers every method one by one; show it as ALL, as Express 5 does. */
function routeMethods(route: NonNullable<Layer['route']>): string[] {
  const methods = Object.keys(route.methods).filter((method) => route.methods[method] === true);
  const everyCommonMethod = ['get', 'post', 'put', 'patch', 'delete', 'options'].every((method) =>
    methods.includes(method),
  );
  return everyCommonMethod && methods.length > 20 ? ['_all'] : methods;
}

function join(prefix: string, path: unknown): string {
  const text = typeof path === 'string' ? path : String(path);
  if (text === '/' || text === '') return prefix === '' ? '/' : prefix;
  return `${prefix.replace(/\/$/, '')}${text.startsWith('/') ? '' : '/'}${text}`;
}

/**
 * Express 4 compiles the mount path into `layer.regexp` (`/^\/api\/?(?=\/|$)/i`); this reads it back for
 * routers mounted by a copy of express the doctor did not instrument.
 */
function mountPathFromRegExp(layer: Layer): string {
  const regexp = layer.regexp;
  if (regexp === undefined || regexp.fast_slash === true) return '/';
  let key = 0;
  return regexp.source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .replace(/\(\?:\\\/\(\[\^\\\/\]\+\?\)\)/g, () => `/:${String(layer.keys?.[key++]?.name ?? 'param')}`)
    .replace(/\\\//g, '/');
}
