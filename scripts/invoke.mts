// npm run invoke -- <event.json | --path /x [--method M] [--body B] [--header "Name: value"]...>
// Runs one event through the BUILT handler (built from source, loaded in Lambda's layout with the layer on
// NODE_PATH, the template's environment) and prints the result. With --path, the event is the one the local
// gateway would build for that request (HTTP API payload 2.0, or --payload 1.0). See docs/local-gateway.md.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { httpApiEventV2, newGatewayRequestId, restApiEventV1, type EventContext } from './gateway/events.mts';
import { InvocationError } from './gateway/environments.mts';
import { PROJECT_ROOT, startLocalFunction } from './gateway/local-function.mts';
import { matchRoute } from './gateway/routes.mts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string' },
    method: { type: 'string', default: 'GET' },
    body: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    payload: { type: 'string', default: '2.0' },
    template: { type: 'string', default: join(PROJECT_ROOT, 'template.yaml') },
    'parameter-overrides': { type: 'string', default: 'EmailFrom=no-reply@localhost' },
    'env-vars': { type: 'string' },
  },
});
const log = (line: string): void => {
  process.stderr.write(`invoke: ${line}\n`);
};

async function main(): Promise<void> {
  const eventFile = positionals[0];
  if ((eventFile === undefined) === (values.path === undefined))
    throw new Error('give an event file or --path (not both)');
  const local = await startLocalFunction({
    templatePath: resolve(values.template),
    functionId: undefined,
    parameterOverrides: values['parameter-overrides'],
    envVarsFile: values['env-vars'] === undefined ? undefined : resolve(values['env-vars']),
    prebuilt: undefined,
    timeoutSeconds: undefined,
    concurrency: 1,
    log,
    // stdout is the result alone (pipe it to jq); the function's logs go to stderr.
    functionLogs: process.stderr,
  });
  try {
    let event: string;
    if (eventFile !== undefined) {
      event = readFileSync(resolve(eventFile), 'utf8');
    } else {
      const url = values.path ?? '/';
      const method = values.method.toUpperCase();
      const match = matchRoute(local.spec.routes, method, url.split('?')[0] ?? url) ?? {
        route: { method, path: '$default', routeKey: '$default', payloadFormatVersion: '2.0', authorizer: undefined },
        pathParameters: undefined,
      };
      const rawHeaders = [
        'host',
        'localhost',
        'user-agent',
        'lambdalith-invoke',
        ...values.header.flatMap((header) => [
          header.slice(0, header.indexOf(':')).trim(),
          header.slice(header.indexOf(':') + 1).trim(),
        ]),
      ];
      const body = Buffer.from(values.body ?? '', 'utf8');
      if (body.length > 0 && !values.header.some((header) => header.toLowerCase().startsWith('content-type:')))
        rawHeaders.push('content-type', 'application/json');
      const context: EventContext = {
        request: { method, url, rawHeaders, body, sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
        match,
        identity: { apiId: 'local', accountId: local.stack.accountId, stage: '$default' },
        requestId: newGatewayRequestId(),
        timeEpoch: Date.now(),
        authorization: undefined,
      };
      event = JSON.stringify(values.payload === '1.0' ? restApiEventV1(context) : httpApiEventV2(context));
    }
    const started = performance.now();
    const invocation = await local.pool.invoke(event);
    log(
      `${local.spec.logicalId} answered in ${(performance.now() - started).toFixed(1)} ms (awsRequestId ${invocation.awsRequestId}, cold start included)`,
    );
    process.stdout.write(`${JSON.stringify(JSON.parse(invocation.payload), null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    log(`${error.kind}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await local.close();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
