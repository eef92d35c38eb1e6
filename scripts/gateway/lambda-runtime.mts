// One Lambda execution environment, in a worker thread of the gateway: it loads the handler the way the Node.js
// runtime does (from LAMBDA_TASK_ROOT, the layer found only through NODE_PATH) and runs the invocations the
// gateway sends, one at a time, each with its own Context (awsRequestId, getRemainingTimeInMillis against the
// function's Timeout) and trace id. The result goes back JSON-serialised, as the runtime posts it to Lambda.
// It imports nothing from the project on purpose.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

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

type Handler = (event: unknown, context: object) => unknown;

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

// As the Node.js runtime does: <module>.js, .mjs or .cjs in the task root, an .mjs loaded as an ES module
// (the build emits index.mjs), the others with require (the layer resolved through NODE_PATH).
async function loadHandlerModule(taskRoot: string, moduleName: string): Promise<unknown> {
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => join(taskRoot, `${moduleName}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Cannot find module '${moduleName}' in ${taskRoot} (.js, .mjs or .cjs)`);
  return file.endsWith('.mjs') ? import(pathToFileURL(file).href) : createRequire(join(taskRoot, 'runtime.cjs'))(file);
}

let handler: Handler | undefined;
try {
  const taskRoot = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  const [moduleName = 'index', exportName = 'handler'] = (env['_HANDLER'] ?? 'index.handler').split('.');
  const loaded: unknown = await loadHandlerModule(taskRoot, moduleName);
  const candidate =
    typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[exportName] : undefined;
  if (typeof candidate !== 'function')
    throw new Error(`${env['_HANDLER'] ?? ''} is not a function exported by ${join(taskRoot, moduleName)}`);
  handler = candidate as Handler;
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
