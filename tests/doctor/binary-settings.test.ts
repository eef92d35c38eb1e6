import { doctorReport } from './run-doctor';

// Whether a binary response survives depends on serverless-express's binarySettings (--binary-types, default
// image/* as src/lambda.ts uses) and, behind a REST API, on the template's BinaryMediaTypes (--template).
// binary-response.cjs serves GET /invoice.pdf (application/pdf) and GET /logo.png (image/png).

describe('npm run doctor on binary responses', () => {
  it("finds no mangling once application/pdf is in the binary settings, behind this project's HTTP API", async () => {
    const { run, report } = await doctorReport(
      'binary-response.cjs',
      '--binary-types',
      'image/*,application/pdf',
      '--template',
      'template.yaml',
    );

    expect({ exitCode: run.exitCode, findings: report.findings, binarySettings: report.binarySettings }).toEqual({
      exitCode: 0,
      findings: [],
      binarySettings:
        'serverless-express binary types image/*, application/pdf (encodings gzip, deflate, br); template.yaml: no REST API (HTTP APIs and Function URLs decode base64 results)',
    });
    expect(report.probes).toEqual([
      expect.objectContaining({ request: 'GET /invoice.pdf', contentType: 'application/pdf', isBase64Encoded: true }),
      expect.objectContaining({ request: 'GET /logo.png', contentType: 'image/png', isBase64Encoded: true }),
    ]);
  });

  it("flags a base64 result whose type a REST API's BinaryMediaTypes (resource and Globals) do not list", async () => {
    const { run, report } = await doctorReport(
      'binary-response.cjs',
      '--binary-types',
      'image/*,application/pdf',
      '--template',
      'tests/fixtures/doctor/rest-api-template.yaml',
    );

    expect(run.exitCode).toBe(2);
    expect(report.binarySettings).toContain(
      'tests/fixtures/doctor/rest-api-template.yaml: REST API BinaryMediaTypes image/png, image/jpeg',
    );
    expect(report.findings).toEqual([
      expect.objectContaining({
        hazard: 'binary-response-mangled',
        request: 'GET /invoice.pdf',
        message: expect.stringContaining("not in the REST API's BinaryMediaTypes, so the client gets base64 text"),
      }),
    ]);
  });
});

describe('npm run doctor on an endless stream', () => {
  it('reports an event stream that has not ended by the probe time limit as an error', async () => {
    const { run, report } = await doctorReport('endless-stream.cjs', '--probe-timeout', '300');

    expect({ exitCode: run.exitCode, probes: report.probes, findings: report.findings }).toEqual({
      exitCode: 2,
      probes: [{ request: 'GET /ticks', contentType: 'text/event-stream; charset=utf-8' }],
      findings: [
        expect.objectContaining({
          hazard: 'streamed-response',
          severity: 'error',
          message: expect.stringContaining('had not ended after 300 ms'),
        }),
      ],
    });
  });
});
