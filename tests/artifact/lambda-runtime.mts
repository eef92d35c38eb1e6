// Stands in for the Node.js Lambda runtime in ONE execution environment: it loads the handler the way the
// runtime does (require from LAMBDA_TASK_ROOT, with the layer on NODE_PATH), then runs the invocations the
// test sends over the IPC channel one at a time, each with its own Context and trace id, as Lambda does.
// Run by Node 24 directly (type stripping); it imports nothing from the project, on purpose.
//
// Usage: node lambda-runtime.mts <module.export> <timeoutSeconds>   (stdio fd 3 must be an IPC channel)
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface InvokeRequest {
  readonly id: number;
  readonly event: unknown;
}

type Handler = (event: unknown, context: object) => Promise<unknown>;

const [handlerSetting = 'index.handler', timeoutSeconds = '10'] = process.argv.slice(2);
const env = process.env;
const taskRoot = env['LAMBDA_TASK_ROOT'] ?? '';
const send = (message: object): void => {
  process.send?.(message);
};

function errorShape(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
    : { name: 'Error', message: String(error) };
}

function context(awsRequestId: string): object {
  const deadline = Date.now() + Number(timeoutSeconds) * 1_000;
  const functionName = env['AWS_LAMBDA_FUNCTION_NAME'] ?? '';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: env['AWS_LAMBDA_FUNCTION_VERSION'] ?? '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${env['AWS_REGION'] ?? ''}:123456789012:function:${functionName}:live`,
    memoryLimitInMB: env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] ?? '128',
    awsRequestId,
    logGroupName: env['AWS_LAMBDA_LOG_GROUP_NAME'] ?? '',
    logStreamName: env['AWS_LAMBDA_LOG_STREAM_NAME'] ?? '',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// As the Node.js runtime does: <module>.js, .mjs or .cjs in the task root; an .mjs is loaded as an ES module.
async function loadHandlerModule(moduleName: string): Promise<unknown> {
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => join(taskRoot, `${moduleName}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Cannot find module '${moduleName}' in ${taskRoot} (.js, .mjs or .cjs)`);
  return file.endsWith('.mjs') ? import(pathToFileURL(file).href) : createRequire(join(taskRoot, 'runtime.cjs'))(file);
}

let handler: Handler;
try {
  const [moduleName = 'index', exportName = 'handler'] = handlerSetting.split('.');
  const loaded: unknown = await loadHandlerModule(moduleName);
  const candidate =
    typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[exportName] : undefined;
  if (typeof candidate !== 'function') throw new Error(`${handlerSetting} is not a function in ${taskRoot}`);
  handler = candidate as Handler;
  send({ type: 'ready' });
} catch (error) {
  // Lambda reports this as an init error (Runtime.ImportModuleError and the like) and never invokes.
  send({ type: 'init-error', error: errorShape(error) });
  process.disconnect?.();
  process.exitCode = 1;
}

// Invocations are strictly sequential in one environment: the next starts when the previous answered.
let queue = Promise.resolve();
process.on('message', (message: InvokeRequest) => {
  queue = queue.then(async () => {
    const awsRequestId = randomUUID();
    // The runtime sets the trace header per invocation (Tracing: Active).
    env['_X_AMZN_TRACE_ID'] =
      `Root=1-${Math.floor(Date.now() / 1_000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
    try {
      const result = await handler(message.event, context(awsRequestId));
      send({ type: 'result', id: message.id, awsRequestId, result });
    } catch (error) {
      send({ type: 'error', id: message.id, awsRequestId, error: errorShape(error) });
    }
  });
});
