import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  send,
  buildArtifacts,
  envVarsFile,
  removeDir,
  startGateways,
  type BuiltArtifacts,
  type GatewayProcess,
  type RawResponse,
} from '../gateway/helpers';
import {
  lambdaTestEnv,
  localTestEnv,
  TEST_JWT_SECRET,
  TEST_TABLE_NAME,
  testDynamoDbEndpoint,
} from '../helpers/test-environment';
import { PARITY_CASES, type ParityCase } from './cases';
import { EXPECTED_DIFFERENCES } from './expected-differences';
import {
  ALB_EVENTS,
  FUNCTION_URL_EVENTS,
  handlerHost,
  httpHost,
  SAM_LOCAL_EVENTS,
  startLocalServer,
  type Host,
} from './hosts';

/**
 * One list of requests (cases.ts) answered by every way the app is hosted: the local server (`npm start`) is
 * the reference; the local gateway with payload 2.0 and 1.0, the handler with ALB and Function URL events, and
 * the handler with SAM local's event quirks must answer the same status, body bytes and headers (Set-Cookie
 * count and order included), except for the differences expected-differences.ts lists with their reasons.
 * A difference not listed fails, and so does a listed one that no longer occurs.
 */

type Handler = (event: object, context: Context) => Promise<unknown>;

// Per-request values: the date, the connection, the request id (replaced by a placeholder in the body), and
// the auth rate limit's counter, which every host shares (one table) and each request moves on.
const VOLATILE_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'x-request-id',
  'ratelimit-remaining',
  'ratelimit-reset',
]);
const savedEnv = { ...process.env };
const sharedVariables = { AUTH_RATE_LIMIT: '1000000', METRICS_ENABLED: 'false' };

let artifacts: BuiltArtifacts;
let localServer: { url: string; stop: () => Promise<void> };
let gateways: GatewayProcess[] = [];
let handler: Handler;
let token: string;
const hosts: Host[] = [];
const reference = new Map<string, Promise<RawResponse>>();

beforeAll(async () => {
  Object.assign(process.env, lambdaTestEnv({ ...sharedVariables, LOG_LEVEL: 'SILENT' }));
  ({ handler } = (await import('../../src/lambda')) as { handler: Handler });
  artifacts = await buildArtifacts();
  const gatewayArgs = [
    '--function-dir',
    artifacts.functionDir,
    '--layer-dir',
    artifacts.layerDir,
    '--env-vars',
    envVarsFile(artifacts.dir, {
      DYNAMODB_ENDPOINT: testDynamoDbEndpoint(),
      TABLE_NAME: TEST_TABLE_NAME,
      JWT_SECRET: TEST_JWT_SECRET,
      ...sharedVariables,
    }),
    '--parameter-overrides',
    'EmailFrom=no-reply@example.com LogLevel=ERROR',
  ];
  const [server, started] = await Promise.allSettled([
    startLocalServer({ ...localTestEnv({ ...sharedVariables, LOG_LEVEL: 'INFO', PORT: '0' }) }),
    startGateways([gatewayArgs, [...gatewayArgs, '--payload', '1.0']] as const),
  ]);
  if (server.status === 'fulfilled') localServer = server.value;
  if (started.status === 'fulfilled') gateways = started.value;
  if (server.status === 'rejected') throw server.reason;
  if (started.status === 'rejected') throw started.reason;
  const [gateway2, gateway1] = started.value;
  hosts.push(
    httpHost('local gateway, payload 2.0', gateway2.url),
    httpHost('local gateway, payload 1.0', gateway1.url),
    handlerHost('handler, ALB events', () => handler, ALB_EVENTS),
    handlerHost('handler, Function URL events', () => handler, FUNCTION_URL_EVENTS),
    handlerHost('handler, SAM local events (quirks)', () => handler, SAM_LOCAL_EVENTS),
  );

  // One user for the authenticated cases; its token is valid on every host (same table, secret and issuer).
  const email = `parity-${randomUUID()}@example.com`;
  const password = 'parity password 1234';
  const json = { 'content-type': 'application/json' };
  await send(localServer.url, {
    method: 'POST',
    path: '/auth/register',
    headers: json,
    body: Buffer.from(JSON.stringify({ email, password, name: 'Parity' })),
  });
  const login = await send(localServer.url, {
    method: 'POST',
    path: '/auth/login',
    headers: json,
    body: Buffer.from(JSON.stringify({ email, password })),
  });
  token = (JSON.parse(login.body.toString('utf8')) as { accessToken: string }).accessToken;
}, 90_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([localServer?.stop(), ...gateways.map((gateway) => gateway.stop())]);
  removeDir(artifacts?.dir);
});

function headersFor(request: ParityCase): Record<string, string> {
  return {
    'user-agent': 'parity',
    ...request.headers,
    ...(request.authenticated === true ? { authorization: `Bearer ${token}` } : {}),
  };
}

/** Status, headers and body with per-request values masked; the body as bytes (latin1 keeps them 1:1). */
function comparable(response: RawResponse): { status: number; headers: Map<string, string>; body: string } {
  const requestId = response.headers['x-request-id']?.[0];
  const headers = new Map<string, string>();
  for (const [name, values] of Object.entries(response.headers)) {
    if (VOLATILE_HEADERS.has(name)) continue;
    headers.set(name, name === 'set-cookie' ? JSON.stringify(values) : values.join(', '));
  }
  const body = response.body.toString('latin1');
  return {
    status: response.status,
    headers,
    body: requestId === undefined ? body : body.split(requestId).join('<request-id>'),
  };
}

/** The aspects in which `actual` differs from `expected`: `status`, `body`, `header <name>`. */
function differences(expected: RawResponse, actual: RawResponse): string[] {
  const a = comparable(expected);
  const b = comparable(actual);
  const found: string[] = [];
  if (a.status !== b.status) found.push('status');
  if (a.body !== b.body) found.push('body');
  for (const name of new Set([...a.headers.keys(), ...b.headers.keys()]))
    if (a.headers.get(name) !== b.headers.get(name)) found.push(`header ${name}`);
  return found.sort();
}

function referenceResponse(request: ParityCase): Promise<RawResponse> {
  let response = reference.get(request.name);
  if (response === undefined) {
    response = send(localServer.url, {
      method: request.method,
      path: request.path,
      headers: headersFor(request),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    reference.set(request.name, response);
  }
  return response;
}

const HOST_NAMES = [
  'local gateway, payload 2.0',
  'local gateway, payload 1.0',
  'handler, ALB events',
  'handler, Function URL events',
  'handler, SAM local events (quirks)',
] as const;

describe.each(HOST_NAMES)('%s, against the local server (npm start)', (hostName) => {
  it.each(PARITY_CASES.map((request) => [request.name, request] as const))(
    'answers %s the same, but for the listed differences',
    async (_name, request) => {
      const host = hosts.find((candidate) => candidate.name === hostName);
      if (host === undefined) throw new Error(`no host ${hostName}`);

      const expected = await referenceResponse(request);
      const actual = await host.send(request, headersFor(request));

      if (process.env['PARITY_DEBUG'] !== undefined) {
        const show = (response: RawResponse): object => ({
          status: response.status,
          headers: response.headers,
          body: response.body.toString('utf8').slice(0, 300),
        });
        process.stderr.write(
          `\n### ${hostName} | ${request.name}\n${JSON.stringify({ expected: show(expected), actual: show(actual), differences: differences(expected, actual) })}\n`,
        );
      }
      const listed = Object.keys(EXPECTED_DIFFERENCES[hostName]?.[request.name] ?? {}).sort();
      expect({ differences: differences(expected, actual) }).toEqual({ differences: listed });
    },
  );
});

describe('the parity comparison', () => {
  it('notices a different body byte, status or Set-Cookie order (it can fail)', () => {
    const base: RawResponse = { status: 200, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: Buffer.from([1, 2, 3]) };

    expect(differences(base, { ...base, body: Buffer.from([1, 2, 4]) })).toEqual(['body']);
    expect(differences(base, { ...base, status: 201 })).toEqual(['status']);
    expect(differences(base, { ...base, headers: { 'set-cookie': ['b=2', 'a=1'] } })).toEqual(['header set-cookie']);
  });

  it('lists only hosts and cases that exist', () => {
    const caseNames = new Set(PARITY_CASES.map((request) => request.name));

    expect(
      Object.keys(EXPECTED_DIFFERENCES).filter((host) => !(HOST_NAMES as readonly string[]).includes(host)),
    ).toEqual([]);
    expect(
      Object.values(EXPECTED_DIFFERENCES)
        .flatMap((cases) => Object.keys(cases ?? {}))
        .filter((name) => !caseNames.has(name)),
    ).toEqual([]);
  });
});
