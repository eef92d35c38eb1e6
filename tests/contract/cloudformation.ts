import { join } from 'node:path';
import {
  loadTemplate as loadTemplateAt,
  physicalId as physicalIdIn,
  resolveIntrinsics as resolveIntrinsicsFor,
  isObject,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from '../../scripts/cloudformation.mts';

/**
 * What the contract and artifact tests need of CloudFormation: the project's template.yaml, read by the
 * project's one template reader (scripts/cloudformation.mts), evaluated for a test stack of chosen parameter
 * values and made-up physical ids, to see what a deployed stack would hand the function.
 */
export {
  isObject,
  objectAt,
  objectAtOrEmpty,
  parseTemplate,
  resourcesOfType,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from '../../scripts/cloudformation.mts';

export const PROJECT_ROOT = join(__dirname, '../..');
export const TEMPLATE_PATH = join(PROJECT_ROOT, 'template.yaml');

export const TEST_STACK: StackContext = {
  parameters: {},
  region: 'us-east-1',
  accountId: '123456789012',
  stackName: 'lambdalith',
};

export function loadTemplate(path = TEMPLATE_PATH): JsonObject {
  return loadTemplateAt(path);
}

/** Evaluates intrinsic functions in `value` the way CloudFormation would for a stack made from `template`. */
export function resolveIntrinsics(template: JsonObject, value: Json, stack: StackContext = TEST_STACK): Json {
  return resolveIntrinsicsFor(template, value, stack);
}

/** The physical id a Ref to a resource gives (see scripts/cloudformation.mts). */
export function physicalId(template: JsonObject, logicalId: string, stack: StackContext = TEST_STACK): string {
  return physicalIdIn(template, logicalId, stack);
}

/** The function's environment variables as a deployed stack would set them. */
export function functionEnvironment(
  template: JsonObject,
  logicalId: string,
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  const variables =
    isObject(properties) && isObject(properties['Environment']) ? properties['Environment']['Variables'] : undefined;
  if (!isObject(variables)) return {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]));
}

/**
 * The variables the Node.js Lambda runtime itself sets for this function (reserved: a template cannot set
 * them), from the function's settings: memory, log format and level, name, region, credentials.
 */
export function lambdaRuntimeEnvironment(
  template: JsonObject,
  logicalId: string,
  paths: { taskRoot: string; optRoot: string },
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  if (!isObject(properties)) throw new Error(`${logicalId} has no properties`);
  const logging = isObject(properties['LoggingConfig']) ? properties['LoggingConfig'] : {};
  const functionName = physicalId(template, logicalId, stack);
  const runtime = String(properties['Runtime']);
  const nodeMajor = runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  return {
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(properties['MemorySize'] ?? 128),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: String(logging['LogGroup'] ?? `/aws/lambda/${functionName}`),
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[1]0123456789abcdef0123456789abcdef',
    ...(logging['LogFormat'] === 'JSON'
      ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: String(logging['ApplicationLogLevel'] ?? 'INFO') }
      : {}),
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    // The execution role's temporary credentials.
    AWS_ACCESS_KEY_ID: 'ASIALOCALTESTKEY0000',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret-access-key',
    AWS_SESSION_TOKEN: 'local-test-session-token',
    LAMBDA_TASK_ROOT: paths.taskRoot,
    // Lambda's order: layers (versioned, then plain), then the task root. The runtime's own node_modules
    // (with its AWS SDK) is left out on purpose: the bundle must not need it.
    NODE_PATH: [
      join(paths.optRoot, `nodejs/node${nodeMajor}/node_modules`),
      join(paths.optRoot, 'nodejs/node_modules'),
      paths.taskRoot,
    ].join(':'),
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
  };
}
