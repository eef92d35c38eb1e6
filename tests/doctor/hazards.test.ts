import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../scripts/doctor/report-types.mts';
import { doctorReport, FIXTURES_DIR, mapWithLimit, PROJECT_DIR, type DoctorRun, type JsonReport } from './run-doctor';

// One fixture app per Lambda hazard (tests/fixtures/doctor/). Each must produce exactly the findings listed,
// and the exit code that goes with their severity; the clean fixture must produce none.
interface Case {
  readonly fixture: string;
  readonly exitCode: 0 | 1 | 2;
  readonly findings: ReadonlyArray<Partial<Finding>>;
}

const cases: readonly Case[] = [
  { fixture: 'clean-app.cjs', exitCode: 0, findings: [] },
  {
    fixture: 'listen-only.mjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'listen-at-import',
        severity: 'error',
        evidence: 'load',
        location: 'tests/fixtures/doctor/listen-only.mjs:8',
      },
    ],
  },
  {
    fixture: 'session-memory-store.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'session-memory-store',
        severity: 'error',
        evidence: 'load',
        location: 'tests/fixtures/doctor/session-memory-store.cjs:6',
      },
    ],
  },
  {
    fixture: 'file-write.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'file-write-outside-tmp',
        evidence: 'load',
        location: 'tests/fixtures/doctor/file-write.cjs:6',
        message: expect.stringContaining('mkdirSync(tests/fixtures/doctor/logs)'),
      },
      {
        hazard: 'file-write-outside-tmp',
        evidence: 'load',
        location: 'tests/fixtures/doctor/file-write.cjs:7',
        message: expect.stringContaining('createWriteStream(tests/fixtures/doctor/logs/access.log)'),
      },
      {
        hazard: 'file-write-outside-tmp',
        evidence: 'request',
        request: 'GET /report',
        location: 'tests/fixtures/doctor/file-write.cjs:15',
      },
    ],
  },
  {
    fixture: 'multer-disk-storage.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'multer-disk-storage',
        severity: 'error',
        evidence: 'load',
        location: 'tests/fixtures/doctor/multer-disk-storage.cjs:5',
        message: expect.stringContaining('uploads/'),
      },
      // multer creates its folder at once; the doctor sees (and skips) that mkdir too.
      {
        hazard: 'file-write-outside-tmp',
        evidence: 'load',
        location: 'tests/fixtures/doctor/multer-disk-storage.cjs:5',
      },
    ],
  },
  {
    fixture: 'module-interval.cjs',
    exitCode: 1,
    findings: [
      {
        hazard: 'module-level-interval',
        severity: 'warning',
        evidence: 'load',
        location: 'tests/fixtures/doctor/module-interval.cjs:5',
      },
    ],
  },
  {
    fixture: 'work-after-response.cjs',
    exitCode: 1,
    findings: [
      {
        hazard: 'work-after-response',
        severity: 'warning',
        evidence: 'request',
        request: 'GET /orders/doctor-probe',
        location: 'tests/fixtures/doctor/work-after-response.cjs:9',
        message: expect.stringContaining('setTimeout pending'),
      },
      {
        hazard: 'work-after-response',
        severity: 'warning',
        evidence: 'request',
        request: 'GET /orders/doctor-probe',
        message: expect.stringContaining('connection to 127.0.0.1:8081 after its response'),
      },
      // The child process: an open handle Node reports, with no line of the app to point at.
      {
        hazard: 'work-after-response',
        severity: 'warning',
        evidence: 'request',
        request: 'GET /orders/doctor-probe',
        message: 'GET /orders/doctor-probe leaves open handles after its response: ProcessWrap ×1',
      },
    ],
  },
  {
    fixture: 'websocket-upgrade.cjs',
    exitCode: 2,
    findings: [{ hazard: 'websocket-upgrade', severity: 'error', evidence: 'load' }],
  },
  {
    fixture: 'streamed-response.cjs',
    exitCode: 1,
    findings: [
      {
        hazard: 'streamed-response',
        severity: 'warning',
        evidence: 'request',
        request: 'GET /events',
        message: expect.stringContaining('3 chunks after flushing headers'),
      },
    ],
  },
  {
    fixture: 'large-response.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'response-too-large',
        severity: 'error',
        evidence: 'request',
        request: 'GET /export',
        message: expect.stringContaining('over the 6 MB limit'),
      },
    ],
  },
  {
    // The PDF is mangled; the PNG is image/*, which serverless-express base64-encodes, so it survives.
    fixture: 'binary-response.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'binary-response-mangled',
        severity: 'error',
        evidence: 'request',
        request: 'GET /invoice.pdf',
        message: expect.stringContaining('application/pdf'),
      },
    ],
  },
  {
    fixture: 'trust-proxy.cjs',
    exitCode: 1,
    findings: [{ hazard: 'trust-proxy-true', severity: 'warning', evidence: 'load' }],
  },
  {
    fixture: 'apigateway-event-header.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'api-gateway-event-header',
        severity: 'error',
        evidence: 'static',
        location: 'tests/fixtures/doctor/apigateway-event-header.cjs:6',
      },
    ],
  },
  {
    fixture: 'current-invoke-identity.cjs',
    exitCode: 2,
    findings: [
      {
        hazard: 'current-invoke-identity',
        severity: 'error',
        evidence: 'static',
        location: 'tests/fixtures/doctor/current-invoke-identity.cjs:7',
        message: expect.stringContaining('takes identity'),
      },
    ],
  },
];

const runs = new Map<string, { run: DoctorRun; report: JsonReport }>();

/** The doctor's run on `fixture`, which beforeAll made; a missing one is a broken test, said so. */
function ranFor<T>(fixture: string, run: T | undefined): T {
  if (run === undefined) throw new Error(`no doctor run for ${fixture}`);
  return run;
}

beforeAll(async () => {
  const results = await mapWithLimit(cases, 3, (testCase) => doctorReport(testCase.fixture));
  for (const [index, testCase] of cases.entries()) runs.set(testCase.fixture, ranFor(testCase.fixture, results[index]));
}, 60_000);

describe('npm run doctor on one fixture app per Lambda hazard', () => {
  it.each(cases)(
    '$fixture: reports exactly its hazards, each with a fix, and exits $exitCode',
    ({ fixture, exitCode, findings }) => {
      const { run, report } = ranFor(fixture, runs.get(fixture));

      expect({ exitCode: run.exitCode, reportExitCode: report.exitCode, stderr: run.stderr }).toEqual({
        exitCode,
        reportExitCode: exitCode,
        stderr: '',
      });
      expect(report.findings).toEqual(
        findings.map((finding) =>
          expect.objectContaining({ ...finding, fix: expect.stringMatching(/MIGRATING\.md § \d+/) }),
        ),
      );
    },
  );

  it('never writes the files the app writes outside /tmp', () => {
    expect(runs.get('file-write.cjs')?.run.exitCode).toBe(2);
    expect([
      existsSync(join(FIXTURES_DIR, 'logs')),
      existsSync(join(FIXTURES_DIR, 'data-report.json')),
      existsSync(join(PROJECT_DIR, 'uploads')),
    ]).toEqual([false, false, false]);
  });

  it('says which requests it sent and which routes it only checked statically', () => {
    const { report } = ranFor('clean-app.cjs', runs.get('clean-app.cjs'));

    expect(report).toMatchObject({
      probes: [
        { request: 'GET /health', status: 200, contentType: 'application/json; charset=utf-8', isBase64Encoded: false },
        { request: 'GET /api/users', status: 200 },
        { request: 'GET /api/users/doctor-probe', status: 200 },
      ],
      notProbed: [{ method: 'POST', path: '/api/users' }],
    });
  });
});
