import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleProjectApp } from './bundle-project-app';
import { runDoctor, type JsonReport } from './run-doctor';

// The doctor on this project's own app: createApp() wired as src/lambda.ts wires it (project-app-entry.ts),
// bundled as the doctor's users would build theirs. It must find nothing: this app is the reference.

let bundle = '';

beforeAll(async () => {
  bundle = await bundleProjectApp();
}, 60_000);

afterAll(() => {
  if (bundle !== '') rmSync(dirname(bundle), { recursive: true, force: true });
});

describe('npm run doctor on the lambdalith app itself', () => {
  it('finds no Lambda hazard, lists every route, and probes the GET routes', async () => {
    const run = await runDoctor([bundle, '--json', '--timeout', '15000']);

    const report = JSON.parse(run.stdout) as JsonReport;
    expect({ exitCode: run.exitCode, findings: report.findings, notes: report.notes }).toEqual({
      exitCode: 0,
      findings: [],
      notes: [],
    });
    expect(report.routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/health' },
        { method: 'GET', path: '/health/ready' },
        { method: 'POST', path: '/auth/register' },
        { method: 'POST', path: '/auth/login' },
        { method: 'GET', path: '/users/me' },
        { method: 'GET', path: '/users' },
        { method: 'GET', path: '/users/:id' },
        { method: 'PATCH', path: '/users/:id' },
        { method: 'DELETE', path: '/users/:id' },
        { method: 'GET', path: '/openapi.json' },
        { method: 'GET', path: '/docs' },
      ]),
    );
    expect(report.probes).toEqual(
      expect.arrayContaining([
        {
          request: 'GET /health',
          status: 200,
          contentType: 'application/json; charset=utf-8',
          resultBytes: expect.any(Number),
          isBase64Encoded: false,
        },
        // DynamoDB is unreachable (the doctor refuses connections): readiness says so, as it would in Lambda.
        expect.objectContaining({
          request: 'GET /health/ready',
          status: 503,
          contentType: 'application/problem+json; charset=utf-8',
        }),
        expect.objectContaining({ request: 'GET /users', status: 401 }),
        expect.objectContaining({ request: 'GET /docs', status: 200 }),
      ]),
    );
  });
});
