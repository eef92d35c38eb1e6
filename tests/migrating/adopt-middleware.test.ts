import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  consumerEnv,
  installPackedMiddleware,
  packMiddleware,
} from '../../layers/middleware/tests/helpers/packed-package';
import { runDoctor } from '../doctor/run-doctor';

// MIGRATING.md § "Adopting the layer in an existing app", done for real: an existing Express app outside this
// repository (tests/fixtures/adopting) gets @lambdalith/middleware from `npm pack -w layers/middleware`, and
// serves requests through it under plain Node, in its local host and in its Lambda host.

const fixtureDir = resolve(__dirname, '../fixtures/adopting');
const httpApiEvent = resolve(__dirname, '../../packages/testing/events/apigw-http-v2-proxy.json');
let appDir = '';

beforeAll(() => {
  appDir = mkdtempSync(join(tmpdir(), 'lambdalith-adopting-'));
  cpSync(fixtureDir, appDir, { recursive: true });
  const tarball = packMiddleware(join(appDir, 'vendor'));
  installPackedMiddleware(tarball, appDir, ['@codegenie/serverless-express']);
}, 90_000);

afterAll(() => {
  if (appDir !== '') rmSync(appDir, { recursive: true, force: true });
});

function runInApp(script: string): unknown {
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: appDir, env: consumerEnv, encoding: 'utf8' }),
  ) as unknown;
}

describe('an existing Express app adopting the packed @lambdalith/middleware', () => {
  it('depends on the tarball its package.json names, and resolves the package from it, not from this repository', () => {
    const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };

    const resolved = runInApp(`process.stdout.write(JSON.stringify(require.resolve('@lambdalith/middleware')))`);

    expect({ dependency: manifest.dependencies['@lambdalith/middleware'], resolved }).toEqual({
      dependency: 'file:vendor/lambdalith-middleware-1.0.0.tgz',
      resolved: join(appDir, 'node_modules/@lambdalith/middleware/dist/index.js'),
    });
  });

  it('serves requests through the middleware on a local server: request ids, security headers, problem+json errors', () => {
    const script = `
      const { once } = require('node:events');
      const { createApp } = require('./app');
      (async () => {
        const server = createApp().listen(0, '127.0.0.1');
        await once(server, 'listening');
        const base = 'http://127.0.0.1:' + server.address().port;
        const call = async (path, init) => {
          const response = await fetch(base + path, init);
          return { status: response.status, type: response.headers.get('content-type'), nosniff: response.headers.get('x-content-type-options'), body: await response.json() };
        };
        const result = {
          found: await call('/orders/42'),
          missing: await call('/orders/7'),
          invalid: await call('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 5 }) }),
          created: await call('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'coffee' }) }),
        };
        server.close();
        process.stdout.write(JSON.stringify(result));
      })().catch((error) => { console.error(error); process.exit(1); });
    `;

    const result = runInApp(script);

    expect(result).toEqual({
      found: {
        status: 200,
        type: 'application/json; charset=utf-8',
        nosniff: 'nosniff',
        body: { id: '42', item: 'tea', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
      missing: {
        status: 404,
        type: 'application/problem+json; charset=utf-8',
        nosniff: 'nosniff',
        body: expect.objectContaining({ status: 404, detail: 'Order 7 does not exist' }),
      },
      invalid: {
        status: 400,
        type: 'application/problem+json; charset=utf-8',
        nosniff: 'nosniff',
        body: expect.objectContaining({
          status: 400,
          code: 'VALIDATION_FAILED',
          errors: [expect.objectContaining({ field: 'item' })],
        }),
      },
      created: {
        status: 201,
        type: 'application/json; charset=utf-8',
        nosniff: 'nosniff',
        body: { id: '43', item: 'coffee' },
      },
    });
  });

  it('serves an API Gateway event through the middleware in its Lambda handler, with the invocation as request id', () => {
    const script = `
      const event = require(${JSON.stringify(httpApiEvent)});
      const { handler } = require('./lambda');
      const request = { ...event, rawPath: '/orders/42', rawQueryString: '', cookies: undefined, queryStringParameters: undefined,
        requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET', path: '/orders/42' } } };
      const context = { awsRequestId: 'c0ffee00-0000-4000-8000-000000000042', functionName: 'orders-api', getRemainingTimeInMillis: () => 3000 };
      handler(request, context).then((result) => process.stdout.write(JSON.stringify({ ...result, body: JSON.parse(result.body) })));
    `;

    const result = runInApp(script);

    expect(result).toMatchObject({
      statusCode: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8' }),
      body: { id: '42', item: 'tea', requestId: 'c0ffee00-0000-4000-8000-000000000042' },
    });
  });

  it('passes npm run doctor', async () => {
    const run = await runDoctor([join(appDir, 'app.js'), '--factory', 'createApp', '--json', '--timeout', '8000']);

    expect({ exitCode: run.exitCode, findings: (JSON.parse(run.stdout) as { findings: unknown }).findings }).toEqual({
      exitCode: 0,
      findings: [],
    });
  });
});
