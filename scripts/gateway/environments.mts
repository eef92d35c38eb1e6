// Warm Lambda execution environments (worker threads running lambda-runtime.mts), one invocation at a time
// each, created on demand up to a concurrency limit, as Lambda scales. Each worker has its own module registry
// (the layer found through its own NODE_PATH) and its own process.env; process.exit() or an uncaught error in
// it ends only that worker. A crash, an init error or a timeout ends only that environment; the next
// invocation gets a fresh one. Worker threads rather than child processes: a message between threads costs a
// fraction of a round trip through a pipe, which is most of what the gateway adds to a request.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromRuntime, ToRuntime } from './lambda-runtime.mts';

const RUNTIME = join(import.meta.dirname, 'lambda-runtime.mts');

/** Why an invocation produced no result; each maps to one API Gateway status. */
export class InvocationError extends Error {
  readonly kind: 'timeout' | 'crash' | 'init' | 'function-error' | 'throttled';

  constructor(kind: InvocationError['kind'], message: string) {
    super(message);
    this.name = 'InvocationError';
    this.kind = kind;
  }
}

export interface Invocation {
  readonly awsRequestId: string;
  /** The result as the runtime serialised it (JSON text). */
  readonly payload: string;
}

export interface EnvironmentSettings {
  /** The function's and the runtime's variables (NODE_PATH, LAMBDA_TASK_ROOT, _HANDLER, ...). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** The function's MemorySize: caps the worker's heap, so running out of memory ends only that environment. */
  readonly memoryMb: number;
  /** Where the function's logs (its stdout and stderr) go; default this process's stdout and stderr. */
  readonly logs?: NodeJS.WritableStream;
}

class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  busy = false;
  private nextId = 1;
  private pending: { id: number; resolve: (payload: string) => void; reject: (error: Error) => void } | undefined;
  private ended = false;

  constructor(settings: EnvironmentSettings) {
    this.worker = new Worker(RUNTIME, {
      env: { ...settings.env },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.pipe(settings.logs ?? process.stdout, { end: false });
    this.worker.stderr.pipe(settings.logs ?? process.stderr, { end: false });
    let markExited: () => void = () => undefined;
    this.exited = new Promise((resolve) => (markExited = resolve));
    this.ready = new Promise((resolve, reject) => {
      let failure: Error | undefined;
      this.worker.on('message', (message: FromRuntime) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') {
          failure = new InvocationError('init', `init error: ${message.error}`);
          reject(failure);
        } else this.settle(message);
      });
      this.worker.on('error', (error) => {
        failure = new InvocationError('crash', `the function's environment failed: ${error.name}: ${error.message}`);
      });
      this.worker.once('exit', (code) => {
        this.ended = true;
        const error =
          failure ?? new InvocationError('crash', `the function's environment exited (code ${String(code)})`);
        reject(error);
        this.pending?.reject(error);
        this.pending = undefined;
        markExited();
      });
    });
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return !this.ended;
  }

  invoke(message: Omit<ToRuntime, 'id'>): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ ...message, id } satisfies ToRuntime);
    });
  }

  kill(): void {
    if (!this.ended) void this.worker.terminate();
  }

  private settle(message: Extract<FromRuntime, { id: number }>): void {
    const pending = this.pending;
    if (pending === undefined || pending.id !== message.id) return;
    this.pending = undefined;
    if (message.type === 'result') pending.resolve(message.payload);
    else pending.reject(new InvocationError('function-error', message.error));
  }
}

export class EnvironmentPool {
  private readonly environments = new Set<Environment>();
  /** Environments from before a rebuild, still finishing an invocation. */
  private stale = new Set<Environment>();
  private settings: EnvironmentSettings;
  private readonly maxConcurrency: number;

  constructor(settings: EnvironmentSettings, maxConcurrency: number) {
    this.settings = settings;
    this.maxConcurrency = maxConcurrency;
  }

  get timeoutSeconds(): number {
    return this.settings.timeoutSeconds;
  }

  /** Starts one environment ahead of the first request (like SAM's warm_containers=EAGER). */
  prewarm(): Promise<void> {
    const environment = this.create();
    return environment.ready.catch(() => {
      this.retire(environment);
    });
  }

  /** New settings (a rebuild): idle environments end now, busy ones when their invocation finishes. */
  replace(settings: EnvironmentSettings): void {
    this.settings = settings;
    for (const environment of [...this.environments]) if (!environment.busy) this.retire(environment);
    this.stale = new Set(this.environments);
  }

  async invoke(event: string): Promise<Invocation> {
    const environment = this.acquire();
    if (environment === undefined)
      throw new InvocationError('throttled', `all ${this.maxConcurrency} environments are busy (raise --concurrency)`);
    environment.busy = true;
    const awsRequestId = randomUUID();
    const timeoutMs = this.settings.timeoutSeconds * 1_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await environment.ready;
      const deadlineMs = Date.now() + timeoutMs;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new InvocationError('timeout', `Task timed out after ${this.settings.timeoutSeconds.toFixed(2)} seconds`),
            ),
          timeoutMs,
        );
      });
      const payload = await Promise.race([environment.invoke({ awsRequestId, deadlineMs, event }), timedOut]);
      return { awsRequestId, payload };
    } catch (error) {
      // Lambda discards an environment that timed out, crashed or failed to initialise.
      if (error instanceof InvocationError && error.kind !== 'function-error' && error.kind !== 'throttled')
        this.retire(environment);
      throw error;
    } finally {
      clearTimeout(timer);
      environment.busy = false;
      if (this.stale.has(environment) || !environment.alive) this.retire(environment);
    }
  }

  async close(): Promise<void> {
    const exits = [...this.environments].map((environment) => environment.exited);
    for (const environment of [...this.environments]) this.retire(environment);
    await Promise.all(exits);
  }

  private acquire(): Environment | undefined {
    for (const environment of this.environments)
      if (!environment.busy && environment.alive && !this.stale.has(environment)) return environment;
    return this.environments.size < this.maxConcurrency ? this.create() : undefined;
  }

  private create(): Environment {
    const environment = new Environment(this.settings);
    this.environments.add(environment);
    void environment.exited.then(() => this.environments.delete(environment));
    return environment;
  }

  private retire(environment: Environment): void {
    this.environments.delete(environment);
    this.stale.delete(environment);
    environment.kill();
  }
}
