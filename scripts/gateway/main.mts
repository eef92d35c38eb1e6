// npm run start:gateway: a local API Gateway without Docker, driven by template.yaml. See docs/local-gateway.md.
//
// Usage: node scripts/gateway/main.mts [--port 3001] [--host 127.0.0.1] [--template template.yaml] [--function Id]
//          [--parameter-overrides "Name=Value ..."] [--env-vars file.json] [--payload 1.0|2.0]
//          [--jwks-url URL | --jwks-file jwks.json | --claims claims.json] [--timeout SECONDS] [--concurrency N]
//          [--function-dir DIR --layer-dir DIR] [--no-watch]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArtifactStore, watchSources, type Artifacts } from './artifacts.mts';
import { startLocalDatabase, type LocalDatabase } from './dynamodb.mts';
import { EnvironmentPool, type EnvironmentSettings } from './environments.mts';
import { readFunctionSpec, readTables, type FunctionSpec, type PayloadFormatVersion } from './function-spec.mts';
import { createJwtAuthorizer, injectedClaimsAuthorizer, type JwtAuthorizer } from './jwt-authorizer.mts';
import { createGatewayServer } from './server.mts';
import { child, loadTemplate, type LocalStack } from './template.mts';

const root = resolve(import.meta.dirname, '../..');
const log = (line: string): void => {
  process.stderr.write(`gateway: ${line}\n`);
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['PORT'] ?? '3001' },
    host: { type: 'string', default: '127.0.0.1' },
    template: { type: 'string', default: join(root, 'template.yaml') },
    function: { type: 'string' },
    'parameter-overrides': { type: 'string', default: '' },
    'env-vars': { type: 'string' },
    payload: { type: 'string' },
    'jwks-url': { type: 'string' },
    'jwks-file': { type: 'string' },
    claims: { type: 'string' },
    timeout: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'function-dir': { type: 'string' },
    'layer-dir': { type: 'string' },
    'no-watch': { type: 'boolean', default: false },
  },
});

/** `Name=Value Name2="a b"`, as `sam --parameter-overrides` takes them. */
function parseParameterOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z0-9]+)=("([^"]*)"|\S*)/g)) overrides[match[1] ?? ''] = match[3] ?? match[2] ?? '';
  return overrides;
}

/** SAM's --env-vars file: `{ "<FunctionLogicalId>": {...}, "Parameters": {...} }`; Parameters apply to all. */
function readEnvVars(path: string | undefined, functionId: string): Record<string, string> {
  if (path === undefined) return {};
  const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return { ...file['Parameters'], ...file[functionId] };
}

function runtimeEnvironment(spec: FunctionSpec, artifacts: Artifacts, stack: LocalStack): Record<string, string> {
  const nodeMajor = spec.runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  return {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    ...(spec.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: spec.applicationLogLevel ?? 'INFO' } : {}),
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    // Stand-ins for the execution role's credentials: the gateway talks to no AWS service.
    AWS_ACCESS_KEY_ID: 'ASIALOCALGATEWAY0000',
    AWS_SECRET_ACCESS_KEY: 'local-gateway-secret-access-key',
    AWS_SESSION_TOKEN: 'local-gateway-session-token',
    LAMBDA_TASK_ROOT: artifacts.task,
    _HANDLER: spec.handler,
    NODE_PATH: [join(artifacts.opt, `nodejs/node${nodeMajor}/node_modules`), join(artifacts.opt, 'nodejs/node_modules'), artifacts.task].join(':'),
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
  };
}

async function main(): Promise<void> {
  const template = loadTemplate(resolve(values.template));
  const parameters = parseParameterOverrides(values['parameter-overrides']);
  const missing = Object.entries(child(template, 'Parameters'))
    .filter(([name, parameter]) => child(parameter)['Default'] === undefined && parameters[name] === undefined)
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`template.yaml's ${missing.join(', ')} ha${missing.length === 1 ? 's' : 've'} no default: give --parameter-overrides "${missing.map((name) => `${name}=...`).join(' ')}"`);
  const stackName = 'lambdalith';
  const tableIds = [...readTables(template, { parameters, stackName, region: 'us-east-1', accountId: '123456789012', physicalIds: {} }).keys()];
  const stack: LocalStack = {
    parameters,
    stackName,
    region: 'us-east-1',
    accountId: '123456789012',
    physicalIds: Object.fromEntries(tableIds.map((id) => [id, tableIds.length === 1 ? stackName : `${stackName}-${id}`])),
  };
  const spec = readFunctionSpec(template, stack, values.function);
  const payloadOverride = values.payload === undefined ? undefined : (values.payload as PayloadFormatVersion);
  if (payloadOverride !== undefined && payloadOverride !== '1.0' && payloadOverride !== '2.0') throw new Error('--payload is 1.0 or 2.0');
  const timeoutSeconds = values.timeout === undefined ? spec.timeoutSeconds : Number(values.timeout);

  const authorizers = new Map<string, JwtAuthorizer>();
  for (const authorizer of spec.authorizers) {
    if (values.claims !== undefined) authorizers.set(authorizer.name, injectedClaimsAuthorizer(authorizer.name, resolve(values.claims)));
    else if (values['jwks-file'] !== undefined) authorizers.set(authorizer.name, createJwtAuthorizer(authorizer, { kind: 'file', path: resolve(values['jwks-file']) }));
    else if (values['jwks-url'] !== undefined) authorizers.set(authorizer.name, createJwtAuthorizer(authorizer, { kind: 'url', url: values['jwks-url'] }));
    else authorizers.set(authorizer.name, createJwtAuthorizer(authorizer, { kind: 'url', url: `${authorizer.issuer}/.well-known/jwks.json` }));
  }

  // The function's variables: the template's, then the --env-vars file's (as `sam local --env-vars`).
  const overrides = readEnvVars(values['env-vars'], spec.logicalId);
  const functionEnvironment: Record<string, string> = { ...spec.environment, ...overrides };
  let database: LocalDatabase | undefined;
  if ((functionEnvironment['DYNAMODB_ENDPOINT'] ?? '') === '') {
    database = await startLocalDatabase(
      new Map([...readTables(template, stack)].map(([id, properties]) => [id, { name: stack.physicalIds[id] ?? id, properties }])),
    );
    functionEnvironment['DYNAMODB_ENDPOINT'] = database.endpoint;
    log(`started an in-memory DynamoDB Local on ${database.endpoint} with the template's tables (set DYNAMODB_ENDPOINT in --env-vars to keep data)`);
  }
  // Nothing reads Secrets Manager locally: the secret's value is given instead, as sam-local-env.json does.
  if ((functionEnvironment['JWT_SECRET'] ?? '') === '') {
    functionEnvironment['JWT_SECRET'] = randomBytes(48).toString('base64');
    functionEnvironment['JWT_SECRET_ARN'] = '';
  }
  // The welcome email goes nowhere unless SES_ENDPOINT is given: a closed loopback port fails it fast (logged).
  if ((functionEnvironment['SES_ENDPOINT'] ?? '') === '') functionEnvironment['SES_ENDPOINT'] = 'http://127.0.0.1:9';

  const store = new ArtifactStore(root);
  const prebuilt = values['function-dir'] !== undefined && values['layer-dir'] !== undefined;
  const makeArtifacts = async (): Promise<Artifacts> => (prebuilt ? store.copy(resolve(values['function-dir'] ?? ''), resolve(values['layer-dir'] ?? '')) : store.build());
  const settingsFor = (artifacts: Artifacts): EnvironmentSettings => ({
    env: { ...runtimeEnvironment(spec, artifacts, stack), ...functionEnvironment },
    cwd: artifacts.task,
    timeoutSeconds,
  });
  const pool = new EnvironmentPool(settingsFor(await makeArtifacts()), Number(values.concurrency));
  await pool.prewarm();

  const server = createGatewayServer({ spec, pool, authorizers, payloadOverride, identity: { apiId: 'local', accountId: stack.accountId, stage: '$default' }, log });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(Number(values.port), values.host, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  const routes = spec.routes.map((route) => `${route.routeKey}${route.authorizer === undefined ? '' : ` [${route.authorizer}]`}`).join(', ');
  log(`${spec.logicalId}: ${routes}; payload ${payloadOverride ?? 'per route'}, Timeout ${timeoutSeconds} s, MemorySize ${spec.memorySize} MB`);
  process.stdout.write(`gateway listening on http://${values.host}:${port}\n`);

  const stopWatching =
    values['no-watch'] || prebuilt
      ? () => undefined
      : watchSources([join(root, 'src'), join(root, 'layers/middleware/src')], () => {
          const started = performance.now();
          store
            .build()
            .then((artifacts) => {
              pool.replace(settingsFor(artifacts));
              log(`rebuilt in ${(performance.now() - started).toFixed(0)} ms; new environments run the new build`);
            })
            .catch((error: unknown) => log(`rebuild failed, still serving the previous build: ${error instanceof Error ? error.message : String(error)}`));
        });

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    stopWatching();
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([pool.close(), database?.stop()]).then(() => {
      store.remove();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
