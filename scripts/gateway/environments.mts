// Warm Lambda execution environments (child processes running lambda-runtime.mts), one invocation at a time
// each, created on demand up to a concurrency limit, as Lambda scales. A crash, an init error or a timeout ends
// only that environment; the next invocation gets a fresh one.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FromRuntime, ToRuntime } from './lambda-runtime.mts';

const RUNTIME = join(import.meta.dirname, 'lambda-runtime.mts');

/** Why an invocation produced no result; each maps to one API Gateway status. */
export class InvocationError extends Error {
  readonly kind: 'timeout' | 'crash' | 'init' | 'function-error';

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
  readonly cwd: string;
  readonly timeoutSeconds: number;
}

class Environment {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy = false;
  private nextId = 1;
  private pending: { id: number; resolve: (payload: string) => void; reject: (error: Error) => void } | undefined;
  private exited = false;

  constructor(settings: EnvironmentSettings) {
    this.child = fork(RUNTIME, [], { cwd: settings.cwd, env: { ...settings.env }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: FromRuntime) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(new InvocationError('init', `init error: ${message.error}`));
        else this.settle(message);
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        const error = new InvocationError('crash', `the function's process exited (${signal ?? `code ${String(code)}`})`);
        reject(error);
        this.pending?.reject(error);
        this.pending = undefined;
      });
    });
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return !this.exited;
  }

  invoke(message: Omit<ToRuntime, 'id'>): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.child.send({ ...message, id } satisfies ToRuntime);
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
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
    if (environment === undefined) throw new InvocationError('crash', `all ${this.maxConcurrency} environments are busy (raise --concurrency)`);
    environment.busy = true;
    const awsRequestId = randomUUID();
    const timeoutMs = this.settings.timeoutSeconds * 1_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await environment.ready;
      const deadlineMs = Date.now() + timeoutMs;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new InvocationError('timeout', `Task timed out after ${this.settings.timeoutSeconds.toFixed(2)} seconds`)), timeoutMs);
      });
      const payload = await Promise.race([environment.invoke({ awsRequestId, deadlineMs, event }), timedOut]);
      return { awsRequestId, payload };
    } catch (error) {
      // Lambda discards an environment that timed out, crashed or failed to initialise.
      if (error instanceof InvocationError && error.kind !== 'function-error') this.retire(environment);
      throw error;
    } finally {
      clearTimeout(timer);
      environment.busy = false;
      if (this.stale.has(environment) || !environment.alive) this.retire(environment);
    }
  }

  async close(): Promise<void> {
    const exits = [...this.environments].map((environment) => new Promise((resolve) => (environment.alive ? environment.child.once('exit', resolve) : resolve(undefined))));
    for (const environment of [...this.environments]) this.retire(environment);
    await Promise.all(exits);
  }

  private acquire(): Environment | undefined {
    for (const environment of this.environments) if (!environment.busy && environment.alive && !this.stale.has(environment)) return environment;
    return this.environments.size < this.maxConcurrency ? this.create() : undefined;
  }

  private create(): Environment {
    const environment = new Environment(this.settings);
    this.environments.add(environment);
    environment.child.once('exit', () => this.environments.delete(environment));
    return environment;
  }

  private retire(environment: Environment): void {
    this.environments.delete(environment);
    this.stale.delete(environment);
    environment.kill();
  }
}
