// One Lambda execution environment, in a worker thread of the gateway: it loads the handler the way the Node.js
// runtime does (from LAMBDA_TASK_ROOT, the layer found only through NODE_PATH) and runs the invocations the
// gateway sends, one at a time, each with its own Context (awsRequestId, getRemainingTimeInMillis against the
// function's Timeout) and trace id. The result goes back JSON-serialised, as the runtime posts it to Lambda.
// It imports nothing from the project but the handler loader (node: imports only), on purpose.
import { randomBytes } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { type LambdaHandler, loadLambdaHandler } from '../lambda-handler.mts';

export type ToRuntime = {
  readonly id: number;
  readonly awsRequestId: string;
  readonly deadlineMs: number;
  readonly event: string;
};
export type FromRuntime =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: string }
  | { readonly type: 'result'; readonly id: number; readonly payload: string }
  | { readonly type: 'error'; readonly id: number; readonly error: string };

const env = process.env;
const send = (message: FromRuntime): void => {
  parentPort?.postMessage(message);
};
const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

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

let handler: LambdaHandler | undefined;
try {
  const taskRoot = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  handler = await loadLambdaHandler(taskRoot, env['_HANDLER'] ?? 'index.handler');
  send({ type: 'ready' });
} catch (error) {
  // Lambda reports this as an init error (Runtime.ImportModuleError and the like) and never invokes.
  send({ type: 'init-error', error: describe(error) });
}

parentPort?.on('message', (message: ToRuntime) => {
  void invoke(message);
});

async function invoke(message: ToRuntime): Promise<void> {
  env['_X_AMZN_TRACE_ID'] =
    `Root=1-${Math.floor(Date.now() / 1_000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  try {
    const result = await handler?.(JSON.parse(message.event), context(message));
    send({ type: 'result', id: message.id, payload: JSON.stringify(result ?? null) });
  } catch (error) {
    send({ type: 'error', id: message.id, error: describe(error) });
  }
}
