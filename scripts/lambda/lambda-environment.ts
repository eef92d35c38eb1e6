import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** What the runtime stand-in (runtime-stand-in.mts) sends back. */
type RuntimeMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: ErrorShape }
  | { type: 'result'; id: number; awsRequestId: string; result: unknown }
  | { type: 'error'; id: number; awsRequestId: string; error: ErrorShape };

export interface ErrorShape {
  readonly name: string;
  readonly message: string;
}

export interface Invocation {
  readonly awsRequestId: string;
  readonly result: unknown;
}

/** The invocation failed with an error the handler threw (Lambda: a function error). */
export class FunctionError extends Error {
  constructor(
    readonly awsRequestId: string,
    readonly error: ErrorShape,
  ) {
    super(`${error.name}: ${error.message}`);
    this.name = 'FunctionError';
  }
}

/** The handler module failed to load (Lambda: an init error). */
export class InitError extends Error {
  constructor(readonly error: ErrorShape) {
    super(`${error.name}: ${error.message}`);
    this.name = 'InitError';
  }
}

const RUNTIME = join(__dirname, 'runtime-stand-in.mts');

/**
 * One Lambda execution environment in a child process: Node 24 (the jest worker's own binary), only the
 * environment given (nothing inherited from the test process), a working directory outside the project.
 * Invocations run one after another, like the real thing.
 */
export class LambdaEnvironment {
  private readonly child: ChildProcess;
  private readonly pending = new Map<
    number,
    { resolve: (value: Invocation) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private output = '';
  readonly ready: Promise<void>;

  constructor(options: { handler: string; timeoutSeconds: number; env: Record<string, string>; cwd: string }) {
    this.child = spawn(process.execPath, [RUNTIME, options.handler, String(options.timeoutSeconds)], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: RuntimeMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(new InitError(message.error));
        else this.settle(message);
      });
      this.child.on('exit', (code) => {
        const error = new Error(`the runtime exited (code ${String(code)}):\n${this.output}`);
        reject(error);
        for (const { reject: rejectPending } of this.pending.values()) rejectPending(error);
        this.pending.clear();
      });
    });
    // A test that only looks at invocations still learns about an init error from them.
    this.ready.catch(() => undefined);
  }

  /** The environment's process id (the cold-start benchmark reads its peak memory). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the function wrote to stdout and stderr so far (its logs). */
  get logs(): string {
    return this.output;
  }

  async invoke(event: object): Promise<Invocation> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, event });
    });
  }

  /** Ends the environment (its process), as Lambda does when it recycles one. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }

  private settle(message: Extract<RuntimeMessage, { id: number }>): void {
    const waiter = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (waiter === undefined) return;
    if (message.type === 'result') waiter.resolve({ awsRequestId: message.awsRequestId, result: message.result });
    else waiter.reject(new FunctionError(message.awsRequestId, message.error));
  }
}
