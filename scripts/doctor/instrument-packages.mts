// Hooks into the packages whose use is a hazard, as APM agents do: each is patched as Node loads it (require or
// import, whichever copy the app resolves), before the app gets it.
//   express          records the path every router and sub-app is mounted at (Express 5 keeps no mount path)
//   express-session  records every MemoryStore created (the default when session() gets no store)
//   multer           records every disk storage created (multer({ dest }) or multer.diskStorage())
import Module from 'node:module';
import { sep } from 'node:path';
import { isExpressApp, routerOf, type ExpressApp, type Layer, type Router } from './express-shape.mts';
import { observed, sighting } from './observations.mts';

type Load = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const mountPaths = new WeakMap<Layer, unknown>();
const mountedApps = new WeakMap<Layer, ExpressApp>();
const instrumented = new WeakMap<object, unknown>();

/** The path a router or sub-app layer was mounted at, as given to use(). */
export function mountPathOf(layer: Layer): unknown {
  return mountPaths.get(layer);
}

/** The sub-app behind a `mounted_app` layer (app.use('/admin', adminApp)). */
export function mountedAppOf(layer: Layer): ExpressApp | undefined {
  return mountedApps.get(layer);
}

export function instrumentPackages(): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function instrumentedLoad(request, parent, isMain) {
    const exported = load.call(this, request, parent, isMain);
    const from = parent?.filename ?? '';
    if (request === './session/memory' && from.includes(`${sep}express-session${sep}`))
      return cached(exported, recordMemoryStores);
    if (request === './storage/disk' && from.includes(`${sep}multer${sep}`))
      return cached(exported, recordDiskStorages);
    if (isExpressModule(exported) && !instrumented.has(exported)) {
      instrumented.set(exported, exported);
      recordMountPaths(exported);
    }
    return exported;
  };
}

function cached(exported: unknown, wrap: (original: AnyFunction) => unknown): unknown {
  if (typeof exported !== 'function') return exported;
  if (!instrumented.has(exported)) instrumented.set(exported, wrap(exported as AnyFunction));
  return instrumented.get(exported);
}

function recordMemoryStores(MemoryStore: AnyFunction): unknown {
  const Base = MemoryStore as unknown as new (...args: unknown[]) => object;
  return class RecordedMemoryStore extends Base {
    constructor(...args: unknown[]) {
      super(...args);
      observed.memoryStores.push({ ...sighting() });
    }
  };
}

function recordDiskStorages(diskStorage: AnyFunction): unknown {
  return function recordedDiskStorage(this: unknown, options: { destination?: unknown } = {}) {
    const destination = typeof options.destination === 'string' ? options.destination : undefined;
    observed.diskStorages.push({ destination, ...sighting() });
    return diskStorage.call(this, options);
  };
}

interface ExpressModule {
  readonly application: { use: AnyFunction };
  readonly Router: AnyFunction & { use?: AnyFunction; prototype: { use?: AnyFunction } };
}

function isExpressModule(value: unknown): value is ExpressModule {
  const candidate = value as Partial<ExpressModule> | null;
  return (
    typeof value === 'function' &&
    typeof candidate?.application?.use === 'function' &&
    typeof candidate.Router === 'function'
  );
}

function recordMountPaths(express: ExpressModule): void {
  // Express 4's Router is a prototype object whose `use` every router inherits; Express 5's is a class.
  const routerProto =
    typeof express.Router.use === 'function'
      ? (express.Router as unknown as { use: AnyFunction })
      : express.Router.prototype;
  const routerUse = routerProto.use;
  // Both versions have one; a Router without `use` mounts nothing this could record.
  if (routerUse !== undefined) {
    routerProto.use = function recordedRouterUse(this: unknown, ...args: unknown[]) {
      const router = this as Router;
      const before = router.stack.length;
      const result = routerUse.apply(this, args);
      const path = mountPathArgument(args);
      for (const layer of router.stack.slice(before)) mountPaths.set(layer, path);
      return result;
    };
  }

  const appUse = express.application.use;
  express.application.use = function recordedAppUse(this: unknown, ...args: unknown[]) {
    const app = this as ExpressApp;
    const before = routerOf(app)?.stack.length ?? 0;
    const result = appUse.apply(this, args);
    const subApps = args.flat(Infinity).filter(isExpressApp);
    const added = (routerOf(app)?.stack ?? []).slice(before).filter((layer) => layer.handle.name === 'mounted_app');
    added.forEach((layer, index) => {
      const subApp = subApps[index];
      if (subApp !== undefined) mountedApps.set(layer, subApp);
    });
    return result;
  };
}

/** use([path,] ...handlers): the path is the first argument unless that (flattened) is a function. */
function mountPathArgument(args: readonly unknown[]): unknown {
  let first = args[0];
  while (Array.isArray(first) && first.length > 0) first = first[0];
  return typeof first === 'function' || args.length === 0 ? '/' : args[0];
}
