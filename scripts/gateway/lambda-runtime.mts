// One Lambda execution environment, in a worker thread of the gateway: it loads the handler the way the Node.js
// runtime does (from LAMBDA_TASK_ROOT, the layer found only through NODE_PATH) and runs the invocations the
// gateway sends, one at a time, each with its own Context (awsRequestId, getRemainingTimeInMillis against the
// function's Timeout) and trace id. The result goes back JSON-serialised, as the runtime posts it to Lambda.
// Between invocations the environment is frozen, as Lambda freezes one: it blocks in Atomics.wait until the
// gateway rings the invocation bell (runtime-protocol.mts), so nothing of the function runs meanwhile and no
// event-loop wake-up is needed to start the next invocation. It imports nothing from the project but the handler
// loader and the protocol (node: imports only), on purpose.
import { randomBytes } from 'node:crypto';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type LambdaHandler, loadLambdaHandler } from '../lambda-handler.mts';
import {
  INVOCATION_BELL,
  RESULT_BELL,
  ring,
  type InvocationOutcome,
  type RuntimeChannels,
  type RuntimeNotice,
  type ToRuntime,
} from './runtime-protocol.mts';

const EXPERIMENT = (workerData as { experiment?: Record<string, number> }).experiment ?? {};
/**
 * How long a frozen environment stays frozen before its event loop gets a turn (then it freezes again): its
 * timers and sockets are not served while frozen (as in Lambda), but a turn now and then lets what the last
 * invocation left behind (a socket closing, a stray timer) settle on an idle gateway, at no cost under load.
 */
const IDLE_FREEZE_MS = EXPERIMENT['idleFreezeMs'] ?? 1_000;
const WORKER_SPIN_US = EXPERIMENT['workerSpinUs'] ?? 0;
const FREEZE = (EXPERIMENT['freeze'] ?? 1) === 1;

const { invocations, bells: bellBuffer } = workerData as RuntimeChannels;
const bells = new Int32Array(bellBuffer);
const env = process.env;
const notify = (notice: RuntimeNotice): void => {
  parentPort?.postMessage(notice);
};
const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The function's stdout and stderr go to the gateway as one message per write, without the worker stdio's
 * flow control: a worker's process.stdout waits for the other thread's acknowledgement before it passes on the
 * next write, which a frozen environment would only see at its next invocation (its logs a request late).
 */
function forwardWrites(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const encoding = typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : 'utf8';
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding);
    notify({ type: 'log', stream: name, text });
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as NodeJS.WriteStream['write'];
}
if ((EXPERIMENT['logPort'] ?? 1) === 1) {
  forwardWrites(process.stdout, 'stdout');
  forwardWrites(process.stderr, 'stderr');
}

function context(message: ToRuntime): object {
  const functionName = env['AWS_LAMBDA_FUNCTION_NAME'] ?? '';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: env['AWS_LAMBDA_FUNCTION_VERSION'] ?? '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${env['AWS_REGION'] ?? ''}:123456789012:function:${functionName}`,
    memoryLimitInMB: env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] ?? '128',
    awsRequestId: message.awsRequestId,
    logGroupName: env['AWS_LAMBDA_LOG_GROUP_NAME'] ?? '',
    logStreamName: env['AWS_LAMBDA_LOG_STREAM_NAME'] ?? '',
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function answer(outcome: InvocationOutcome): void {
  invocations.postMessage(outcome);
  ring(bells, RESULT_BELL);
}

async function invoke(handler: LambdaHandler, message: ToRuntime): Promise<void> {
  env['_X_AMZN_TRACE_ID'] =
    `Root=1-${Math.floor(Date.now() / 1_000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  try {
    const result = await handler(JSON.parse(message.event), context(message));
    answer({ type: 'result', id: message.id, payload: JSON.stringify(result ?? null) });
  } catch (error) {
    answer({ type: 'error', id: message.id, error: describe(error) });
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The next invocation: frozen until the gateway rings, the event loop served only every IDLE_FREEZE_MS. */
async function nextInvocation(): Promise<ToRuntime> {
  for (;;) {
    const rung = Atomics.load(bells, INVOCATION_BELL);
    const received = receiveMessageOnPort(invocations);
    if (received !== undefined) return received.message as ToRuntime;
    if (WORKER_SPIN_US > 0) {
      const until = performance.now() + WORKER_SPIN_US / 1_000;
      while (Atomics.load(bells, INVOCATION_BELL) === rung && performance.now() < until);
      if (Atomics.load(bells, INVOCATION_BELL) !== rung) continue;
    }
    if (!FREEZE)
      return new Promise<ToRuntime>((resolve) => invocations.once('message', (message: ToRuntime) => resolve(message)));
    if (Atomics.wait(bells, INVOCATION_BELL, rung, IDLE_FREEZE_MS) === 'timed-out') await yieldToEventLoop();
  }
}

let handler: LambdaHandler | undefined;
try {
  const taskRoot = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  handler = await loadLambdaHandler(taskRoot, env['_HANDLER'] ?? 'index.handler');
  notify({ type: 'ready' });
} catch (error) {
  // Lambda reports this as an init error (Runtime.ImportModuleError and the like) and never invokes.
  notify({ type: 'init-error', error: describe(error) });
}

// Nothing arrives on parentPort; listening keeps the environment alive through an invocation whose promise
// never settles (with nothing else pending its event loop would be empty), so it ends at the Timeout, as in Lambda.
parentPort?.on('message', () => undefined);
if (handler !== undefined) for (;;) await invoke(handler, await nextInvocation());
