// npm run start:gateway: a local API Gateway without Docker, driven by template.yaml. See docs/local-gateway.md.
//
// Usage: node scripts/gateway/main.mts [--port 3001] [--host 127.0.0.1] [--template template.yaml] [--function Id]
//          [--parameter-overrides "Name=Value ..."] [--env-vars file.json] [--payload 1.0|2.0]
//          [--jwks-url URL | --jwks-file jwks.json | --claims claims.json] [--timeout SECONDS] [--concurrency N]
//          [--function-dir DIR --layer-dir DIR] [--no-watch]
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { watchSources } from './artifacts.mts';
import type { PayloadFormatVersion } from './function-spec.mts';
import { createJwtAuthorizer, injectedClaimsAuthorizer, type JwtAuthorizer } from './jwt-authorizer.mts';
import { PROJECT_ROOT, startLocalFunction } from './local-function.mts';
import { createGatewayServer } from './server.mts';

const log = (line: string): void => {
  process.stderr.write(`gateway: ${line}\n`);
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['PORT'] ?? '3001' },
    host: { type: 'string', default: '127.0.0.1' },
    template: { type: 'string', default: join(PROJECT_ROOT, 'template.yaml') },
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

function payloadOverride(): PayloadFormatVersion | undefined {
  const value = values.payload;
  if (value === undefined || value === '1.0' || value === '2.0') return value;
  throw new Error(`--payload must be 1.0 or 2.0, not ${value}`);
}

async function main(): Promise<void> {
  const functionDir = values['function-dir'];
  const layerDir = values['layer-dir'];
  const local = await startLocalFunction({
    templatePath: resolve(values.template),
    functionId: values.function,
    parameterOverrides: values['parameter-overrides'],
    envVarsFile: values['env-vars'] === undefined ? undefined : resolve(values['env-vars']),
    prebuilt:
      functionDir !== undefined && layerDir !== undefined
        ? { functionDir: resolve(functionDir), layerDir: resolve(layerDir) }
        : undefined,
    timeoutSeconds: values.timeout === undefined ? undefined : Number(values.timeout),
    concurrency: Number(values.concurrency),
    log,
  });
  const { spec, pool } = local;

  const authorizers = new Map<string, JwtAuthorizer>();
  for (const authorizer of spec.authorizers) {
    const claims = values.claims;
    const jwksFile = values['jwks-file'];
    if (claims !== undefined)
      authorizers.set(authorizer.name, injectedClaimsAuthorizer(authorizer.name, resolve(claims)));
    else if (jwksFile !== undefined)
      authorizers.set(authorizer.name, createJwtAuthorizer(authorizer, { kind: 'file', path: resolve(jwksFile) }));
    else {
      const jwksUrl = values['jwks-url'];
      authorizers.set(
        authorizer.name,
        createJwtAuthorizer(authorizer, jwksUrl === undefined ? { kind: 'discovery' } : { kind: 'url', url: jwksUrl }),
      );
    }
  }

  await pool.prewarm();
  const server = createGatewayServer({
    spec,
    pool,
    authorizers,
    payloadOverride: payloadOverride(),
    identity: { apiId: 'local', accountId: local.stack.accountId, stage: '$default' },
    log,
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(Number(values.port), values.host, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  const routes = spec.routes
    .map((route) => `${route.routeKey}${route.authorizer === undefined ? '' : ` [${route.authorizer}]`}`)
    .join(', ');
  log(
    `${spec.logicalId}: ${routes}; payload ${values.payload ?? 'per route'}, Timeout ${local.timeoutSeconds} s, MemorySize ${spec.memorySize} MB`,
  );
  process.stdout.write(`gateway listening on http://${values.host}:${port}\n`);

  const watching = !values['no-watch'] && functionDir === undefined;
  const stopWatching = watching
    ? watchSources([join(PROJECT_ROOT, 'src'), join(PROJECT_ROOT, 'layers/middleware/src')], () => {
        const started = performance.now();
        local
          .rebuild()
          .then(() =>
            log(`rebuilt in ${(performance.now() - started).toFixed(0)} ms; the next requests run the new build`),
          )
          .catch((error: unknown) =>
            log(
              `rebuild failed, still serving the previous build: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
      })
    : () => undefined;

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    stopWatching();
    server.close();
    server.closeAllConnections();
    void local.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
