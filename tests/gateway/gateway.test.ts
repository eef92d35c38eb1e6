import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TEST_TABLE_NAME, testDynamoDbEndpoint } from '../helpers/test-environment';
import {
  envVarsFile,
  removeDir,
  send,
  startGateways,
  writeEchoLayer,
  type GatewayProcess,
  type RawResponse,
} from './helpers';

/**
 * The local gateway (npm run start:gateway) in front of a stand-in function (fixtures/echo-function) that
 * echoes the event and context it gets, or misbehaves on purpose. The gateway reads the real template.yaml;
 * the function's layer holds a package the function can only load through NODE_PATH.
 */

const ECHO_FUNCTION = join(__dirname, 'fixtures/echo-function');
const SIX_MB = 6 * 1024 * 1024;

let dir: string;
let v2: GatewayProcess;
let v1: GatewayProcess;
let narrow: GatewayProcess;

interface Echo {
  readonly event: Record<string, unknown> & { requestContext: Record<string, unknown> };
  readonly invocations: number;
  readonly environmentId: string;
  readonly layer: boolean;
  readonly context: {
    awsRequestId: string;
    remainingMs: number;
    memoryLimitInMB: string;
    functionName: string;
    logGroupName: string;
  };
}

const echoOf = (response: RawResponse): Echo => JSON.parse(response.body.toString('utf8')) as Echo;
const messageOf = (response: RawResponse): unknown => JSON.parse(response.body.toString('utf8'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambdalith-gateway-echo-'));
  const layerDir = writeEchoLayer(dir);
  // A template with one explicit route, for route selection and the 404 of a request no route matches.
  const narrowTemplate = join(dir, 'narrow-template.yaml');
  writeFileSync(
    narrowTemplate,
    [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Echo:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs24.x',
      '      Timeout: 3',
      '      MemorySize: 256',
      '      Environment: {Variables: {GREETING: hello}}',
      '      Events:',
      "        Item: {Type: HttpApi, Properties: {Path: '/items/{id}', Method: GET}}",
      "        Mine: {Type: HttpApi, Properties: {Path: '/items/mine', Method: GET}}",
      "        Files: {Type: HttpApi, Properties: {Path: '/files/{path+}', Method: ANY}}",
    ].join('\n'),
  );
  const common = [
    '--function-dir',
    ECHO_FUNCTION,
    '--layer-dir',
    layerDir,
    '--env-vars',
    envVarsFile(dir, { DYNAMODB_ENDPOINT: testDynamoDbEndpoint(), TABLE_NAME: TEST_TABLE_NAME }),
  ];
  [v2, v1, narrow] = await startGateways([
    [...common, '--parameter-overrides', 'EmailFrom=no-reply@example.com', '--timeout', '2'],
    [...common, '--parameter-overrides', 'EmailFrom=no-reply@example.com', '--payload', '1.0'],
    [...common, '--template', narrowTemplate],
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([v2?.stop(), v1?.stop(), narrow?.stop()]);
  removeDir(dir);
});

describe("the local gateway, payload format 2.0 (the template's HTTP API)", () => {
  it('gives every request a fresh requestId and its own millisecond timeEpoch, and every invocation its own awsRequestId', async () => {
    const before = Date.now();

    const [first, second] = (
      await Promise.all([send(v2.url, { method: 'GET', path: '/a' }), send(v2.url, { method: 'GET', path: '/b' })])
    ).map(echoOf);

    expect(first?.event.requestContext['requestId']).not.toBe(second?.event.requestContext['requestId']);
    expect(first?.context.awsRequestId).not.toBe(second?.context.awsRequestId);
    for (const echo of [first, second]) {
      expect(echo?.event.requestContext['timeEpoch']).toEqual(expect.any(Number));
      expect(Number(echo?.event.requestContext['timeEpoch'])).toBeGreaterThanOrEqual(before);
      expect(Number(echo?.event.requestContext['timeEpoch'])).toBeLessThanOrEqual(Date.now());
    }
  });

  it('sends the raw path as sent, the decoded proxy parameter, the route key and comma-joined repeated query values', async () => {
    const response = await send(v2.url, { method: 'GET', path: '/echo/x%2Fy/%C3%A9t%C3%A9?a=1&a=2&b=%20&c' });

    expect(response.status).toBe(200);
    expect(echoOf(response).event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /{proxy+}',
      rawPath: '/echo/x%2Fy/%C3%A9t%C3%A9',
      rawQueryString: 'a=1&a=2&b=%20&c',
      queryStringParameters: { a: '1,2', b: ' ', c: '' },
      pathParameters: { proxy: 'echo/x/y/été' },
      requestContext: {
        routeKey: 'ANY /{proxy+}',
        stage: '$default',
        http: { method: 'GET', path: '/echo/x%2Fy/%C3%A9t%C3%A9', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      },
    });
  });

  it('lower-cases header names, joins repeated headers with commas and moves cookies into `cookies`', async () => {
    const response = await send(v2.url, {
      method: 'GET',
      path: '/echo',
      headers: { 'X-Repeated': ['one', 'two'], 'X-Mixed-Case': 'Value', Cookie: 'a=1; b=2' },
    });
    const { event } = echoOf(response);

    expect(event['headers']).toMatchObject({ 'x-repeated': 'one,two', 'x-mixed-case': 'Value' });
    expect(Object.keys(event['headers'] as object)).toEqual(
      Object.keys(event['headers'] as object).map((name) => name.toLowerCase()),
    );
    expect(event['headers']).not.toHaveProperty('cookie');
    expect(event['cookies']).toEqual(['a=1', 'b=2']);
  });

  it('passes a JSON body as text, and binary or compressed bodies base64-encoded', async () => {
    const json = Buffer.from('{"é":1}', 'utf8');
    const binary = Buffer.from([0, 1, 2, 254, 255]);
    const gzipped = gzipSync(json);

    const [text, raw, compressed] = (
      await Promise.all([
        send(v2.url, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: json }),
        send(v2.url, {
          method: 'POST',
          path: '/echo',
          headers: { 'content-type': 'application/octet-stream' },
          body: binary,
        }),
        send(v2.url, {
          method: 'POST',
          path: '/echo',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: gzipped,
        }),
      ])
    ).map((response) => echoOf(response).event);

    expect(text).toMatchObject({ body: '{"é":1}', isBase64Encoded: false });
    expect(raw).toMatchObject({ body: binary.toString('base64'), isBase64Encoded: true });
    expect(compressed).toMatchObject({ body: gzipped.toString('base64'), isBase64Encoded: true });
  });

  it('routes HEAD to the function and sends no body back', async () => {
    const response = await send(v2.url, { method: 'HEAD', path: '/health' });

    expect(response).toMatchObject({ status: 200, body: Buffer.alloc(0) });
    await expect(v2.waitForOutput(/HEAD \/health 200 [\d.]+ ms \(ANY \/health\)/)).resolves.toEqual(expect.any(String));
  });

  it('gives the function a complete Context: its Timeout as remaining time, MemorySize, names; the layer through NODE_PATH', async () => {
    const echo = echoOf(await send(v2.url, { method: 'GET', path: '/echo' }));

    expect(echo.layer).toBe(true);
    expect(echo.context).toMatchObject({
      memoryLimitInMB: '1024',
      functionName: 'lambdalith-ApiFunction',
      logGroupName: '/aws/lambda/lambdalith-api',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(echo.context.remainingMs).toBeGreaterThan(0);
    expect(echo.context.remainingMs).toBeLessThanOrEqual(2_000);
  });

  it('turns `cookies` into one Set-Cookie header each, in order, and decodes a base64 body', async () => {
    const [cookies, binary] = await Promise.all([
      send(v2.url, { method: 'GET', path: '/cookies' }),
      send(v2.url, { method: 'GET', path: '/binary' }),
    ]);

    expect(cookies.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/']);
    expect(binary).toMatchObject({
      status: 200,
      headers: { 'content-type': ['image/png'] },
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]),
    });
  });
});

describe('the local gateway, payload format 1.0', () => {
  it('sends headers as named, multi-value headers and query values, the raw path, the resource and the socket address', async () => {
    const response = await send(v1.url, {
      method: 'GET',
      path: '/echo/x%2Fy?a=1&a=2',
      headers: { 'X-Repeated': ['one', 'two'], Cookie: 'a=1' },
    });

    expect(echoOf(response).event).toMatchObject({
      resource: '/{proxy+}',
      path: '/echo/x%2Fy',
      httpMethod: 'GET',
      headers: { 'X-Repeated': 'two', Cookie: 'a=1' },
      multiValueHeaders: { 'X-Repeated': ['one', 'two'], Cookie: ['a=1'] },
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      pathParameters: { proxy: 'echo/x/y' },
      requestContext: { resourcePath: '/{proxy+}', httpMethod: 'GET', identity: { sourceIp: '127.0.0.1' } },
      isBase64Encoded: false,
    });
  });

  it('turns multiValueHeaders Set-Cookie into one header per cookie, in order', async () => {
    const response = await send(v1.url, { method: 'GET', path: '/cookies' });

    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/']);
  });
});

describe('route selection', () => {
  it("prefers a literal path over a parameter, passes path parameters and the function's environment from the template", async () => {
    const [mine, item, files] = (
      await Promise.all([
        send(narrow.url, { method: 'GET', path: '/items/mine' }),
        send(narrow.url, { method: 'GET', path: '/items/42' }),
        send(narrow.url, { method: 'DELETE', path: '/files/a/b.txt' }),
      ])
    ).map(echoOf);

    expect(mine?.event).toMatchObject({ routeKey: 'GET /items/mine' });
    expect(item?.event).toMatchObject({ routeKey: 'GET /items/{id}', pathParameters: { id: '42' } });
    expect(files?.event).toMatchObject({ routeKey: 'ANY /files/{path+}', pathParameters: { path: 'a/b.txt' } });
    expect(mine?.context).toMatchObject({ memoryLimitInMB: '256', functionName: 'lambdalith-Echo' });
  });

  it('answers 404 {"message":"Not Found"} when no route matches, HEAD on a GET-only route included', async () => {
    const [unknown, head] = await Promise.all([
      send(narrow.url, { method: 'GET', path: '/elsewhere' }),
      send(narrow.url, { method: 'POST', path: '/items/42' }),
    ]);

    expect(unknown).toMatchObject({ status: 404, headers: { 'content-type': ['application/json'] } });
    expect(messageOf(unknown)).toEqual({ message: 'Not Found' });
    expect(head.status).toBe(404);
  });
});

describe("Lambda's and API Gateway's limits in the local gateway", () => {
  it('answers 413 to a request over 6 MB without invoking the function, with a log line', async () => {
    const response = await send(v2.url, {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.alloc(SIX_MB + 1, 'a'),
    });

    expect(response.status).toBe(413);
    expect(messageOf(response)).toEqual({ message: 'Request Entity Too Large' });
    await expect(v2.waitForOutput(/413 POST \/echo: .*6 MB/)).resolves.toEqual(expect.any(String));
  });

  it('answers 413 when the event (base64 inflates a binary body) exceeds 6 MB', async () => {
    const response = await send(v2.url, {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(5 * 1024 * 1024, 1),
    });

    expect(response.status).toBe(413);
    await expect(v2.waitForOutput(/413 POST \/echo: the event is \d+ bytes/)).resolves.toEqual(expect.any(String));
  });

  it('answers 502 when the function returns more than 6 MB, with a log line', async () => {
    const response = await send(v2.url, { method: 'GET', path: '/huge' });

    expect(response.status).toBe(502);
    expect(messageOf(response)).toEqual({ message: 'Internal Server Error' });
    await expect(
      v2.waitForOutput(/502 GET \/huge: the function's response is \d+ bytes, over Lambda's 6 MB limit/),
    ).resolves.toEqual(expect.any(String));
  });

  it('answers 502 to a malformed result, with a log line naming what is wrong', async () => {
    const response = await send(v2.url, { method: 'GET', path: '/malformed' });

    expect(response.status).toBe(502);
    await expect(
      v2.waitForOutput(/502 GET \/malformed: malformed Lambda proxy response: statusCode must be an integer/),
    ).resolves.toEqual(expect.any(String));
  });

  it('answers 502 when the handler throws', async () => {
    const response = await send(v2.url, { method: 'GET', path: '/throw' });

    expect(response.status).toBe(502);
    await expect(v2.waitForOutput(/502 GET \/throw: the function threw: Error: the handler failed/)).resolves.toEqual(
      expect.any(String),
    );
  });

  it("answers 504 past the function's Timeout and serves the next request from a fresh environment", async () => {
    const before = echoOf(await send(v2.url, { method: 'GET', path: '/echo' }));

    const timedOut = await send(v2.url, { method: 'GET', path: '/sleep' });
    const after = echoOf(await send(v2.url, { method: 'GET', path: '/echo' }));

    expect(timedOut.status).toBe(504);
    expect(messageOf(timedOut)).toEqual({ message: 'Endpoint request timed out' });
    await expect(v2.waitForOutput(/504 GET \/sleep: ApiFunction ran past its Timeout of 2 s/)).resolves.toEqual(
      expect.any(String),
    );
    expect(after.environmentId).not.toBe(before.environmentId);
  }, 15_000);

  it("answers 502 when the function's process crashes, and starts a fresh environment for the next request", async () => {
    const before = echoOf(await send(v1.url, { method: 'GET', path: '/echo' }));

    const crashed = await send(v1.url, { method: 'GET', path: '/crash' });
    const after = echoOf(await send(v1.url, { method: 'GET', path: '/echo' }));

    expect(crashed.status).toBe(502);
    await expect(
      v1.waitForOutput(/502 GET \/crash: the function's environment crashed: .*exited \(code 3\)/),
    ).resolves.toEqual(expect.any(String));
    expect(after).toMatchObject({ invocations: 1 });
    expect(after.environmentId).not.toBe(before.environmentId);
  });
});
