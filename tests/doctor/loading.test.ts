import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { doctorReport, FIXTURES_DIR, runDoctor } from './run-doctor';

// How the doctor loads apps as people write them: ESM and CommonJS entries, Express 4 and 5, routers over many
// files, an exported app, a factory and an app that only listens; and how it fails when an app cannot be loaded.

describe('npm run doctor loading an app', () => {
  it('lists the routes of an ESM app whose nested routers live in other files, with their full mount paths', async () => {
    const { run, report } = await doctorReport('esm-app/app.mjs');

    expect(run.exitCode).toBe(0);
    expect(report).toMatchObject({
      expressMajor: 5,
      foundBy: 'export',
      routes: [
        { method: 'GET', path: '/api/v1/orders' },
        { method: 'GET', path: '/api/v1/orders/:orderId' },
        { method: 'DELETE', path: '/api/v1/orders/:orderId' },
        { method: 'GET', path: '/api/v1/orders/:orderId/items' },
        { method: 'PUT', path: '/api/v1/orders/:orderId/items/:itemId' },
        { method: 'GET', path: '/' },
      ],
      findings: [],
    });
  });

  it('reads an Express 4 app: parameterised mount paths, mounted sub-apps, app.all, and listen() guarded by require.main', async () => {
    const { run, report } = await doctorReport('express4-app/app.js');

    expect(run.exitCode).toBe(0);
    expect(report).toMatchObject({
      expressMajor: 4,
      routes: [
        { method: 'GET', path: '/accounts/:accountId/invoices' },
        { method: 'GET', path: '/admin/stats' },
        { method: 'POST', path: '/admin/reindex' },
        { method: 'ALL', path: '/ping' },
      ],
      probes: [
        { request: 'GET /accounts/doctor-probe/invoices', status: 200 },
        { request: 'GET /admin/stats', status: 200 },
        { request: 'GET /ping', status: 200 },
      ],
      findings: [],
    });
  });

  it('finds the app of a module that only calls listen(), without binding the port', async () => {
    const { report } = await doctorReport('listen-only.mjs');

    expect(report).toMatchObject({
      foundBy: 'listen',
      routes: [{ method: 'GET', path: '/hello' }],
      probes: [{ request: 'GET /hello', status: 200 }],
    });
  });

  it('loads a TypeScript entry with Node 24 type stripping', async () => {
    const { run, report } = await doctorReport('typescript-app.mts');

    expect({ exitCode: run.exitCode, routes: report.routes }).toEqual({
      exitCode: 0,
      routes: [{ method: 'GET', path: '/typed' }],
    });
  });

  it('calls the export named by --factory to get the app', async () => {
    const { report } = await doctorReport('factory-app.cjs', '--factory', 'createApp');

    expect(report).toMatchObject({ foundBy: 'factory', routes: [{ method: 'GET', path: '/made' }] });
  });

  it('refuses the connections an app opens at import and says so, without counting it as a hazard', async () => {
    const { run, report } = await doctorReport('connects-at-import.cjs');

    expect({ exitCode: run.exitCode, notes: report.notes }).toEqual({
      exitCode: 0,
      notes: [
        { message: 'the app tried to connect to 127.0.0.1:5432 while loading; the doctor refused the connection' },
      ],
    });
  });

  it('prints a human-readable report by default: routes, hazards with their fixes, what was probed', async () => {
    const run = await runDoctor([join(FIXTURES_DIR, 'trust-proxy.cjs'), '--timeout', '8000']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('lambdalith doctor: tests/fixtures/doctor/trust-proxy.cjs (Express 5, exported app)');
    expect(run.stdout).toContain('Routes (1)\n  GET     /ip\n');
    expect(run.stdout).toContain(
      "Lambda hazards: 0 error(s), 1 warning(s)\n\n  WARNING trust-proxy-true (seen while loading)\n    the app sets 'trust proxy' to true\n    Fix: ",
    );
    expect(run.stdout).toContain('Probes (in process, through serverless-express, no port): GET /ip → 200');
  });

  it('with --no-probes sends no request and keeps the static and load-time checks', async () => {
    const { report } = await doctorReport('large-response.cjs', '--no-probes');

    expect(report).toMatchObject({ probes: [], notProbed: [{ method: 'GET', path: '/export' }], findings: [] });
  });
});

describe('npm run doctor on an app that cannot be loaded', () => {
  it.each([
    [
      'missing-module.cjs',
      "cannot load tests/fixtures/doctor/missing-module.cjs: Cannot find module 'not-an-installed-database-driver' (required by tests/fixtures/doctor/missing-module.cjs): is it installed (npm install)?",
    ],
    [
      'throws-at-import.mjs',
      'cannot load tests/fixtures/doctor/throws-at-import.mjs: it threw at import: Error: DATABASE_URL is not set (tests/fixtures/doctor/throws-at-import.mjs:4)',
    ],
    [
      'exits-when-database-refuses.cjs',
      'cannot load tests/fixtures/doctor/exits-when-database-refuses.cjs: it called process.exit(1) while loading (after the doctor refused its connection to 127.0.0.1:5432)',
    ],
    ['does-not-exist.js', 'cannot load tests/fixtures/doctor/does-not-exist.js: no such file'],
  ])('%s: exits 2 with one line that says why, and no stack trace', async (fixture, message) => {
    const run = await runDoctor([`tests/fixtures/doctor/${fixture}`, '--timeout', '8000']);

    expect(run).toEqual({ exitCode: 2, stdout: '', stderr: `doctor: ${message}\n` });
  });

  it('reports the failure as JSON with --json', async () => {
    const run = await runDoctor(['tests/fixtures/doctor/throws-at-import.mjs', '--json']);

    expect({ exitCode: run.exitCode, output: JSON.parse(run.stdout) as unknown }).toEqual({
      exitCode: 2,
      output: {
        target: join(FIXTURES_DIR, 'throws-at-import.mjs'),
        error: expect.stringContaining('DATABASE_URL is not set'),
      },
    });
  });

  it('stops an app that never finishes loading at the time limit, with everything it started', async () => {
    const marker = `doctor-helper-${randomUUID()}`;

    const run = await runDoctor(['tests/fixtures/doctor/never-finishes-loading.cjs', '--timeout', '1500'], {
      ...process.env,
      DOCTOR_FIXTURE_MARKER: marker,
    });

    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({
      exitCode: 2,
      stderr: expect.stringContaining(
        'did not finish loading and being checked within 1500 ms, so the doctor stopped it',
      ),
    });
    const leftBehind = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker) || line.includes('never-finishes-loading.cjs'));
    expect(leftBehind).toEqual([]);
  });
});
