// The parts of Express 4 and 5 the doctor reads. Express keeps its router stack internal; these are the
// fields both majors have had for a decade (express-list-endpoints and APM agents read the same ones).

export interface Layer {
  readonly handle: ((...args: unknown[]) => unknown) & { readonly stack?: readonly Layer[] };
  readonly name?: string;
  readonly route?: Route;
  /** Express 4 only: the compiled mount path. */
  readonly regexp?: RegExp & { fast_slash?: boolean };
  readonly keys?: ReadonlyArray<{ readonly name: string | number }>;
}

export interface Route {
  readonly path: string | RegExp | ReadonlyArray<string | RegExp>;
  readonly methods: Readonly<Record<string, boolean | undefined>>;
}

export interface Router {
  readonly stack: Layer[];
}

export interface ExpressApp {
  (req: unknown, res: unknown, next?: unknown): void;
  use: (...args: unknown[]) => unknown;
  set: (name: string, value: unknown) => unknown;
  get: (name: string, ...rest: unknown[]) => unknown;
  handle: (...args: unknown[]) => unknown;
  readonly settings: Record<string, unknown>;
  /** Express 4: created on first use. */
  readonly _router?: Router;
  /** Express 4 only. */
  readonly lazyrouter?: () => void;
  /** Express 5: a lazily created getter. */
  readonly router?: Router;
}

export function isExpressApp(value: unknown): value is ExpressApp {
  if (typeof value !== 'function') return false;
  const candidate = value as unknown as Partial<ExpressApp>;
  return (
    typeof candidate.use === 'function' &&
    typeof candidate.handle === 'function' &&
    typeof candidate.set === 'function' &&
    typeof candidate.settings === 'object'
  );
}

export function expressMajorOf(app: ExpressApp): 4 | 5 {
  return typeof app.lazyrouter === 'function' ? 4 : 5;
}

export function routerOf(app: ExpressApp): Router | undefined {
  return expressMajorOf(app) === 4 ? app._router : app.router;
}
