import { eventSources, lambdaContext } from '@lambdalith/testing';
import { invoke, loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';

// Metrics are on in Lambda by default; their EMF lines would only clutter the test output here.
loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false' }));

// The auth routes are rate-limited per client address; each test request comes from its own address.
let nextAddress = 1;
function uniqueSourceIp(): string {
  nextAddress += 1;
  return `198.51.${Math.floor(nextAddress / 250) % 250}.${(nextAddress % 250) + 1}`;
}

describe.each(eventSources)('the Lambda handler behind $name', (source) => {
  it('answers GET /health with 200, the version and the invocation id as x-request-id', async () => {
    const context = lambdaContext();

    const response = await invoke(source, { method: 'GET', path: '/health' }, context);

    expect(response).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': expect.stringMatching(/^application\/json/), 'x-request-id': context.awsRequestId },
    });
    expect(JSON.parse(response.body)).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('sends the security headers on every response, the API docs page with its own Content-Security-Policy', async () => {
    const security = {
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    };

    const [health, missing, docs] = await Promise.all(
      ['/health', '/no/such/route', '/docs'].map((path) => invoke(source, { method: 'GET', path })),
    );

    for (const response of [health, missing]) {
      expect(response?.headers).toMatchObject({
        ...security,
        'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      });
    }
    expect(docs?.statusCode).toBe(200);
    expect(docs?.headers).toMatchObject(security);
    expect(docs?.headers['content-security-policy']).toContain("script-src 'self'");
    expect(health?.headers).not.toHaveProperty('x-powered-by');
  });

  it('answers an unknown route with a 404 problem carrying the request id', async () => {
    const context = lambdaContext();

    const response = await invoke(source, { method: 'GET', path: '/no/such/route?x=1' }, context);

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: expect.any(String),
      code: 'NOT_FOUND',
      requestId: context.awsRequestId,
    });
  });

  it('answers a wrong method on a known path with 405 and an Allow header', async () => {
    const response = await invoke(source, { method: 'DELETE', path: '/health' });

    expect(response).toMatchObject({ statusCode: 405, headers: { allow: 'GET, HEAD' } });
    expect(JSON.parse(response.body)).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it('answers a malformed JSON POST with a 400 problem', async () => {
    const response = await invoke(source, {
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email": "broken@example.com", ',
      sourceIp: uniqueSourceIp(),
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('decodes a base64-encoded body before parsing it (API Gateway binary media types)', async () => {
    const response = await invoke(source, {
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email": ',
      base64: true,
      sourceIp: uniqueSourceIp(),
    });

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('answers a non-JSON body on a JSON route with 415', async () => {
    const response = await invoke(source, {
      method: 'POST',
      path: '/auth/register',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40example.com&password=x',
      sourceIp: uniqueSourceIp(),
    });

    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('gives two invocations that share one gateway request id (as sam local does) two request ids', async () => {
    const spec = { method: 'GET', path: '/health', gatewayRequestId: 'same-id-from-sam-local' };

    const [first, second] = await Promise.all([invoke(source, spec), invoke(source, spec)]);

    expect(first?.headers['x-request-id']).toBeDefined();
    expect(first?.headers['x-request-id']).not.toBe(second?.headers['x-request-id']);
  });
});

describe('Lambda cold start', () => {
  it("fails init with a message naming the missing variable and never its neighbours' values", async () => {
    const env = lambdaTestEnv();
    const { TABLE_NAME: _tableName, ...withoutTable } = env;

    const load = (): Promise<unknown> =>
      new Promise((resolveLoad, rejectLoad) => {
        jest.isolateModules(() => {
          const previous = { ...process.env };
          process.env = { ...withoutTable };
          try {
            resolveLoad(require('../../src/lambda'));
          } catch (error) {
            rejectLoad(error);
          } finally {
            process.env = previous;
          }
        });
      });

    await expect(load()).rejects.toThrow(/TABLE_NAME is required/);
    await expect(load()).rejects.not.toThrow(env.JWT_SECRET ?? 'unreachable');
  });
});
