// The variables the Node.js Lambda runtime sets for a function itself (reserved: a template cannot set them), in
// one place for every stand-in of Lambda here: the local gateway's environments (scripts/gateway/local-function.mts)
// and the environments the artifact and contract tests (through tests/contract/cloudformation.ts) and the
// cold-start benchmark (scripts/bench/cold.ts) start with scripts/lambda/lambda-environment.ts. Node loads it
// directly (type stripping), so it imports only node: and the template reader.
import { join } from 'node:path';
import {
  isObject,
  objectAtOrEmpty,
  physicalId,
  resolveIntrinsics,
  withGlobals,
  type JsonObject,
  type StackContext,
} from '../cloudformation.mts';

export interface FunctionRuntimeSettings {
  readonly functionName: string;
  /** `$LATEST`, or a published version's number. */
  readonly functionVersion: string;
  readonly memorySizeMb: number;
  /** The template's `Runtime`, e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** `LoggingConfig.LogFormat` (`JSON` or `Text`) and, for JSON, `ApplicationLogLevel`. */
  readonly logFormat: string | undefined;
  readonly applicationLogLevel: string | undefined;
  readonly region: string;
  /** Stand-ins for the execution role's temporary credentials. */
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
  /** Where the function's code (/var/task) and the layers' content (/opt) are. */
  readonly taskRoot: string;
  readonly optRoot: string;
  readonly path: string;
}

export function lambdaRuntimeVariables(settings: FunctionRuntimeSettings): Record<string, string> {
  const nodeMajor = settings.runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  return {
    AWS_LAMBDA_FUNCTION_NAME: settings.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: settings.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: settings.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: settings.logStreamName,
    ...(settings.logFormat === 'JSON'
      ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: settings.applicationLogLevel ?? 'INFO' }
      : {}),
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${settings.runtime}`,
    AWS_ACCESS_KEY_ID: settings.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: settings.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: settings.credentials.sessionToken,
    LAMBDA_TASK_ROOT: settings.taskRoot,
    // Lambda's order: layers (the versioned folder, then the plain one), then the task root. The runtime's own
    // node_modules (with its AWS SDK) is left out on purpose: the bundle must not need it.
    NODE_PATH: [
      join(settings.optRoot, `nodejs/node${nodeMajor}/node_modules`),
      join(settings.optRoot, 'nodejs/node_modules'),
      settings.taskRoot,
    ].join(':'),
    PATH: settings.path,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
  };
}

/** The function's own environment variables (`Environment.Variables`, Globals applied) as a stack would set them. */
export function functionEnvironment(
  template: JsonObject,
  logicalId: string,
  stack: StackContext,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  const variables = isObject(properties) ? objectAtOrEmpty(properties, 'Environment', 'Variables') : {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]));
}

/**
 * The runtime's variables for the template's function `logicalId` deployed in `stack` as version 1, with its
 * code in `paths.taskRoot` and its layers in `paths.optRoot`.
 */
export function templateFunctionRuntimeVariables(
  template: JsonObject,
  logicalId: string,
  paths: { readonly taskRoot: string; readonly optRoot: string },
  stack: StackContext,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  if (!isObject(properties)) throw new Error(`${logicalId} has no properties`);
  const logging = objectAtOrEmpty(properties, 'LoggingConfig');
  const functionName = physicalId(template, logicalId, stack);
  return lambdaRuntimeVariables({
    functionName,
    functionVersion: '1',
    memorySizeMb: Number(properties['MemorySize'] ?? 128),
    runtime: String(properties['Runtime']),
    logGroupName: String(logging['LogGroup'] ?? `/aws/lambda/${functionName}`),
    logStreamName: '2026/01/01/[1]0123456789abcdef0123456789abcdef',
    logFormat: typeof logging['LogFormat'] === 'string' ? logging['LogFormat'] : undefined,
    applicationLogLevel:
      typeof logging['ApplicationLogLevel'] === 'string' ? logging['ApplicationLogLevel'] : undefined,
    region: stack.region,
    credentials: {
      accessKeyId: 'ASIALOCALTESTKEY0000',
      secretAccessKey: 'local-test-secret-access-key',
      sessionToken: 'local-test-session-token',
    },
    taskRoot: paths.taskRoot,
    optRoot: paths.optRoot,
    path: '/usr/local/bin:/usr/bin:/bin',
  });
}
