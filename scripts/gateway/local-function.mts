// The function of template.yaml set up to run locally, shared by the gateway (main.mts) and `npm run invoke`:
// the template read for a local stack, the built artifacts, the environment Lambda and the template would
// give it (with local stand-ins for the stack's table and secret), and a pool of warm environments (worker threads).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArtifactStore, type Artifacts } from './artifacts.mts';
import { startLocalDatabase, type LocalDatabase } from './dynamodb.mts';
import { EnvironmentPool, type EnvironmentSettings } from './environments.mts';
import { readFunctionSpec, readTables, type FunctionSpec } from './function-spec.mts';
import { loadTemplate, objectAtOrEmpty, type JsonObject, type StackContext } from '../cloudformation.mts';
import { lambdaRuntimeVariables } from '../lambda/runtime-variables.mts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface LocalFunctionOptions {
  readonly templatePath: string;
  readonly functionId: string | undefined;
  /** `Name=Value Name2="a b"`, as `sam --parameter-overrides` takes them. */
  readonly parameterOverrides: string;
  /** SAM's --env-vars file: `{ "<FunctionLogicalId>": {...}, "Parameters": {...} }`. */
  readonly envVarsFile: string | undefined;
  /** Use these built folders (copied out of the checkout) instead of building from source. */
  readonly prebuilt: { readonly functionDir: string; readonly layerDir: string } | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly concurrency: number;
  readonly log: (line: string) => void;
  /** Where the function's logs go (default: stdout and stderr as the function writes them). */
  readonly functionLogs?: NodeJS.WritableStream;
}

export interface LocalFunction {
  readonly template: JsonObject;
  readonly spec: FunctionSpec;
  readonly stack: StackContext;
  readonly pool: EnvironmentPool;
  readonly timeoutSeconds: number;
  /** Builds from source again and sends new invocations to the new build. */
  rebuild(): Promise<void>;
  close(): Promise<void>;
}

export function parseParameterOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z0-9]+)=("([^"]*)"|\S*)/g))
    overrides[match[1] ?? ''] = match[3] ?? match[2] ?? '';
  return overrides;
}

function readEnvVars(path: string | undefined, functionId: string): Record<string, string> {
  if (path === undefined) return {};
  const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return { ...file['Parameters'], ...file[functionId] };
}

/** The variables the Node.js Lambda runtime sets itself (a template cannot set them), plus `_HANDLER`. */
function runtimeEnvironment(spec: FunctionSpec, artifacts: Artifacts, stack: StackContext): Record<string, string> {
  return {
    ...lambdaRuntimeVariables({
      functionName: spec.functionName,
      functionVersion: '$LATEST',
      memorySizeMb: spec.memorySize,
      runtime: spec.runtime,
      logGroupName: spec.logGroupName,
      logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
      logFormat: spec.logFormat,
      applicationLogLevel: spec.applicationLogLevel,
      region: stack.region,
      // Nothing here talks to AWS.
      credentials: {
        accessKeyId: 'ASIALOCALGATEWAY0000',
        secretAccessKey: 'local-gateway-secret-access-key',
        sessionToken: 'local-gateway-session-token',
      },
      taskRoot: artifacts.task,
      optRoot: artifacts.opt,
      path: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    }),
    _HANDLER: spec.handler,
  };
}

export async function startLocalFunction(options: LocalFunctionOptions): Promise<LocalFunction> {
  const template = loadTemplate(options.templatePath);
  const parameters = parseParameterOverrides(options.parameterOverrides);
  const missing = Object.entries(objectAtOrEmpty(template, 'Parameters'))
    .filter(
      ([name, parameter]) => objectAtOrEmpty(parameter)['Default'] === undefined && parameters[name] === undefined,
    )
    .map(([name]) => name);
  if (missing.length > 0)
    throw new Error(
      `template.yaml's ${missing.join(', ')} need${missing.length === 1 ? 's' : ''} a value: --parameter-overrides "${missing.map((name) => `${name}=...`).join(' ')}"`,
    );
  const base: StackContext = {
    parameters,
    stackName: 'lambdalith',
    region: 'us-east-1',
    accountId: '123456789012',
    physicalIds: {},
  };
  const tableIds = [...readTables(template, base).keys()];
  // One table is named after the stack (as `npm start` names it); several get their logical id appended.
  const stack: StackContext = {
    ...base,
    physicalIds: Object.fromEntries(
      tableIds.map((id) => [id, tableIds.length === 1 ? base.stackName : `${base.stackName}-${id}`]),
    ),
  };
  const spec = readFunctionSpec(template, stack, options.functionId);
  const timeoutSeconds = options.timeoutSeconds ?? spec.timeoutSeconds;

  // The function's variables: the template's, then the --env-vars file's (as `sam local --env-vars`).
  const environment: Record<string, string> = {
    ...spec.environment,
    ...readEnvVars(options.envVarsFile, spec.logicalId),
  };

  let database: LocalDatabase | undefined;
  if ((environment['DYNAMODB_ENDPOINT'] ?? '') === '') {
    database = await startLocalDatabase(
      new Map(
        [...readTables(template, stack)].map(([id, properties]) => [
          id,
          { name: stack.physicalIds?.[id] ?? id, properties },
        ]),
      ),
    );
    environment['DYNAMODB_ENDPOINT'] = database.endpoint;
    options.log(
      `started an in-memory DynamoDB Local on ${database.endpoint} with the template's tables (set DYNAMODB_ENDPOINT in --env-vars to keep data)`,
    );
  }
  // Nothing reads Secrets Manager locally: the secret's value is given instead (as sam-local-env.json does),
  // from --env-vars or generated for this run.
  const overrides = readEnvVars(options.envVarsFile, spec.logicalId);
  if (overrides['JWT_SECRET_ARN'] === undefined) environment['JWT_SECRET_ARN'] = '';
  if ((environment['JWT_SECRET'] ?? '') === '') environment['JWT_SECRET'] = randomBytes(48).toString('base64');
  // No email leaves the machine unless SES_ENDPOINT is given: a closed loopback port fails sending at once (logged).
  if ((environment['SES_ENDPOINT'] ?? '') === '') environment['SES_ENDPOINT'] = 'http://127.0.0.1:9';

  const store = new ArtifactStore(PROJECT_ROOT);
  const settingsFor = (artifacts: Artifacts): EnvironmentSettings => ({
    env: { ...runtimeEnvironment(spec, artifacts, stack), ...environment },
    timeoutSeconds,
    memoryMb: spec.memorySize,
    ...(options.functionLogs === undefined ? {} : { logs: options.functionLogs }),
  });
  let pool: EnvironmentPool;
  try {
    const artifacts =
      options.prebuilt === undefined
        ? await store.build()
        : store.copy(options.prebuilt.functionDir, options.prebuilt.layerDir);
    pool = new EnvironmentPool(settingsFor(artifacts), options.concurrency);
  } catch (error) {
    await database?.stop();
    store.remove();
    throw error;
  }
  return {
    template,
    spec,
    stack,
    pool,
    timeoutSeconds,
    async rebuild() {
      pool.replace(settingsFor(await store.build()));
    },
    async close() {
      await Promise.allSettled([pool.close(), database?.stop()]);
      store.remove();
    },
  };
}
