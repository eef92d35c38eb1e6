// Stands in for the Node.js Lambda runtime in ONE execution environment: it loads the handler the way the
// runtime does (require from LAMBDA_TASK_ROOT, with the layer on NODE_PATH), then runs the invocations the
// test sends over the IPC channel one at a time, each with its own Context and trace id, as Lambda does.
// Run by Node 24 directly (type stripping); it imports nothing from the project but the handler loader it
// shares with the local gateway (scripts/lambda-handler.mts, node: imports only), on purpose.
//
// Usage: node runtime-stand-in.mts <module.export> <timeoutSeconds>   (stdio fd 3 must be an IPC channel)
import { randomBytes, randomUUID } from 'node:crypto';
import { type LambdaHandler, loadLambdaHandler } from '../lambda-handler.mts';

interface InvokeRequest {
  readonly id: number;
  readonly event: unknown;
}

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

let handler: LambdaHandler;
try {
  handler = await loadLambdaHandler(taskRoot, handlerSetting);
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
