// Warm Lambda execution environments (worker threads running lambda-runtime.mts), one invocation at a time
// each, created on demand up to a concurrency limit, as Lambda scales. Each worker has its own module registry
// (the layer found through its own NODE_PATH) and its own process.env; process.exit() or an uncaught error in
// it ends only that worker. A crash, an init error or a timeout ends only that environment; the next
// invocation gets a fresh one. Worker threads rather than child processes: a message between threads costs a
// fraction of a round trip through a pipe, which is most of what the gateway adds to a request.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  createBells,
  INVOCATION_BELL,
  RESULT_BELL,
  ring,
  type InvocationOutcome,
  type RuntimeChannels,
  type RuntimeNotice,
  type ToRuntime,
} from './runtime-protocol.mts';

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

const EXPERIMENT: Record<string, number> = JSON.parse(process.env['GW_EXPERIMENT'] ?? '{}') as Record<string, number>;
/**
 * How long the gateway's thread waits, blocked, for a result before it leaves the result to arrive as an
 * event-loop message. A quick invocation (a few hundred µs) is then taken without waking this thread's event loop;
 * a slow one costs this thread nothing it would have used (see docs/local-gateway.md#performance).
 */
const SYNCHRONOUS_WAIT_MS = EXPERIMENT['syncWaitMs'] ?? 1;
const GATEWAY_SPIN_US = EXPERIMENT['gatewaySpinUs'] ?? 0;

type Pending = { id: number; resolve: (payload: string) => void; reject: (error: Error) => void };

class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  busy = false;
  private readonly invocations: MessagePort;
  private readonly bells: Int32Array;
  private nextId = 1;
  private pending: Pending | undefined;
  private ended = false;

  constructor(settings: EnvironmentSettings) {
    const channel = new MessageChannel();
    const bellBuffer = createBells();
    this.invocations = channel.port1;
    this.bells = new Int32Array(bellBuffer);
    this.worker = new Worker(RUNTIME, {
      env: { ...settings.env },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
      workerData: { invocations: channel.port2, bells: bellBuffer, experiment: EXPERIMENT } satisfies RuntimeChannels & {
        experiment: Record<string, number>;
      },
      transferList: [channel.port2],
      // The runtime forwards the function's writes as 'log' notices; these catch anything written around it.
      stdout: true,
      stderr: true,
    });
    const stdout = settings.logs ?? process.stdout;
    const stderr = settings.logs ?? process.stderr;
    this.worker.stdout.pipe(stdout, { end: false });
    this.worker.stderr.pipe(stderr, { end: false });
    this.invocations.on('message', (outcome: InvocationOutcome) => this.settle(outcome));
    this.invocations.unref();
    let markExited: () => void = () => undefined;
    this.exited = new Promise((resolve) => (markExited = resolve));
    this.ready = new Promise((resolve, reject) => {
      let failure: Error | undefined;
      this.worker.on('message', (notice: RuntimeNotice) => {
        if (notice.type === 'log') (notice.stream === 'stdout' ? stdout : stderr).write(notice.text);
        else if (notice.type === 'ready') resolve();
        else {
          failure = new InvocationError('init', `init error: ${notice.error}`);
          reject(failure);
        }
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
        this.invocations.close();
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
    const settled = new Promise<string>((resolve, reject) => {
      this.pending = { id, resolve, reject };
    });
    this.invocations.postMessage({ ...message, id } satisfies ToRuntime);
    ring(this.bells, INVOCATION_BELL);
    this.awaitOutcome(SYNCHRONOUS_WAIT_MS);
    return settled;
  }

  kill(): void {
    if (!this.ended) void this.worker.terminate();
  }

  /** Takes the outcome if it arrives within `ms` (this thread blocked meanwhile); otherwise the message event will. */
  private awaitOutcome(ms: number): void {
    const deadline = performance.now() + ms;
    while (this.pending !== undefined) {
      const rung = Atomics.load(this.bells, RESULT_BELL);
      const received = receiveMessageOnPort(this.invocations);
      if (received !== undefined) {
        this.settle(received.message as InvocationOutcome);
        continue;
      }
      if (GATEWAY_SPIN_US > 0) {
        const until = Math.min(deadline, performance.now() + GATEWAY_SPIN_US / 1_000);
        while (Atomics.load(this.bells, RESULT_BELL) === rung && performance.now() < until);
        if (Atomics.load(this.bells, RESULT_BELL) !== rung) continue;
      }
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.bells, RESULT_BELL, rung, left) === 'timed-out') return;
    }
  }

  private settle(outcome: InvocationOutcome): void {
    const pending = this.pending;
    if (pending === undefined || pending.id !== outcome.id) return;
    this.pending = undefined;
    if (outcome.type === 'result') pending.resolve(outcome.payload);
    else pending.reject(new InvocationError('function-error', outcome.error));
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
