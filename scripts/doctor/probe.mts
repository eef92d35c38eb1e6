// Sends each GET route one synthetic request, in process, the way Lambda would deliver it: an API Gateway
// HTTP API (v2) event through @codegenie/serverless-express, as src/lambda.ts does. No port is opened. What
// the app writes is compared with the Lambda result to find streamed, oversized and mangled responses, and
// what it leaves running after the response is work Lambda would freeze.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { isSentAsBase64, matchesMediaType, type BinarySettings } from './binary-settings.mts';
import type { ExpressApp } from './express-shape.mts';
import { hazards } from './hazards.mts';
import { responseRecordOf } from './intercept-responses.mts';
import { isPending } from './intercept-timers.mts';
import { inRequestScope, observed, type Observed, type RequestScope } from './observations.mts';
import type { Finding, Note, ProbeResult, RouteEntry, Severity } from './report-types.mts';
import { INVOCATION_PAYLOAD_LIMIT_BYTES } from '../lambda/limits.mts';

const MAX_PROBES = 50;
const SETTLE_MS = 25;

interface LambdaResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}
type Handler = (event: object, context: object) => Promise<LambdaResult>;
type ServerlessExpress = (options: {
  app: ExpressApp;
  binarySettings: { contentTypes: string[]; contentEncodings: string[] };
  logSettings: { level: string };
}) => Handler;

export interface ProbeOutcome {
  readonly probes: ProbeResult[];
  readonly findings: Finding[];
  readonly notes: Note[];
  readonly notProbed: RouteEntry[];
}

export async function probeRoutes(
  app: ExpressApp,
  routes: readonly RouteEntry[],
  binary: BinarySettings,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  // The project's own serverless-express, whatever the target has installed.
  const serverlessExpress = createRequire(import.meta.url)('@codegenie/serverless-express') as ServerlessExpress;
  const handler = serverlessExpress({
    app,
    binarySettings: { contentTypes: [...binary.contentTypes], contentEncodings: [...binary.contentEncodings] },
    logSettings: { level: 'silent' },
  });
  const outcome: ProbeOutcome = { probes: [], findings: [], notes: [], notProbed: [] };
  const paths = new Set<string>();
  for (const route of routes) {
    const path = route.method === 'GET' || route.method === 'ALL' ? concretePath(route.path) : undefined;
    if (path === undefined || paths.size >= MAX_PROBES) outcome.notProbed.push(route);
    else paths.add(path);
  }
  for (const path of paths) await probe(handler, path, binary, timeoutMs, outcome);
  return outcome;
}

/** A path that matches the route: parameters get a placeholder, optional parts are left out. */
function concretePath(path: string): string | undefined {
  if (/[()\\[\]]/.test(path)) return undefined; // a regular expression route
  return path
    .replace(/\{[^}]*\}/g, '')
    .replace(/\/:[A-Za-z0-9_]+\?/g, '')
    .replace(/:[A-Za-z0-9_]+/g, 'doctor-probe')
    .replace(/\*[A-Za-z0-9_]*/g, 'doctor-probe');
}

async function probe(
  handler: Handler,
  path: string,
  binary: BinarySettings,
  timeoutMs: number,
  outcome: ProbeOutcome,
): Promise<void> {
  const request = `GET ${path}`;
  const scope: RequestScope = { request, responseSent: false };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const handlesBefore = activeHandleCounts();
  const answered = inRequestScope(scope, () => handler(httpApiEvent(path), lambdaContext(timeoutMs))).catch(
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const result = await Promise.race([answered, timedOut]);
  clearTimeout(timer);
  await settle();

  const record = scope.response === undefined ? undefined : responseRecordOf(scope.response);
  const contentType = headerOf(scope.response?.getHeader('content-type'));
  const streamed =
    record !== undefined &&
    (record.writes > 1 || record.flushedHeaders || /^text\/event-stream/i.test(contentType ?? ''));
  const finding = (
    hazard: Finding['hazard'],
    message: string,
    severity = hazards[hazard].severity,
    location?: string,
  ): void => {
    outcome.findings.push({
      hazard,
      severity,
      evidence: 'request',
      message,
      fix: hazards[hazard].fix,
      request,
      ...(location === undefined ? {} : { location }),
    });
  };

  if (result === 'timed out') {
    outcome.probes.push({ request, ...(contentType === undefined ? {} : { contentType }) });
    if (streamed)
      finding(
        'streamed-response',
        `${request} streams a response that had not ended after ${timeoutMs} ms: an endless stream (Server-Sent Events, long polling) never returns in Lambda`,
        'error',
      );
    else
      outcome.notes.push({
        message: `${request} did not answer within ${timeoutMs} ms, so its response was not checked`,
      });
  } else if (result instanceof Error || typeof result.statusCode !== 'number') {
    outcome.notes.push({
      message: `${request} failed inside serverless-express, so its response was not checked: ${result instanceof Error ? result.message : JSON.stringify(result)}`,
    });
  } else {
    const resultBytes = Buffer.byteLength(JSON.stringify(result));
    outcome.probes.push({
      request,
      status: result.statusCode,
      ...(contentType === undefined ? {} : { contentType }),
      resultBytes,
      isBase64Encoded: result.isBase64Encoded === true,
    });
    if (streamed)
      finding(
        'streamed-response',
        `${request} writes its body in ${record?.writes ?? 0} chunks${record?.flushedHeaders === true ? ' after flushing headers' : ''} (${contentType ?? 'no content type'}): in Lambda the client gets nothing until the handler returns`,
      );
    if (resultBytes > INVOCATION_PAYLOAD_LIMIT_BYTES) {
      finding(
        'response-too-large',
        `${request} returns ${megabytes(resultBytes)} as a Lambda result${result.isBase64Encoded === true ? ' (base64)' : ''}, over the 6 MB limit: the invocation fails`,
      );
    }
    const mangled = record === undefined ? undefined : manglingOf(record.chunks, result, contentType, binary);
    if (mangled !== undefined)
      finding('binary-response-mangled', `${request} answers ${contentType ?? 'without a content type'}: ${mangled}`);
  }
  if (result === 'timed out') {
    stopTimersOf(scope);
    return;
  }
  reportWorkAfterResponse(scope, finding);
  const leftOpen = newHandles(handlesBefore, activeHandleCounts());
  if (leftOpen !== '') finding('work-after-response', `${request} leaves open handles after its response: ${leftOpen}`);
}

// Handles Node reports as keeping the process alive, by type. Timers are left out: they are reported above
// with the app's line, and Node and libraries set their own.
const UNATTRIBUTED_TYPES = new Set(['Timeout', 'Immediate']);

function activeHandleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo())
    if (!UNATTRIBUTED_TYPES.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function newHandles(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string {
  return [...after]
    .filter(([type, count]) => count > (before.get(type) ?? 0))
    .map(([type, count]) => `${type} ×${count - (before.get(type) ?? 0)}`)
    .join(', ');
}

/** A probe that never answered leaves its timers (an event stream's interval, say): stop them, report nothing. */
function stopTimersOf(scope: RequestScope): void {
  for (const timer of observed.timers)
    if (timer.phase.kind === 'request' && timer.phase.scope === scope) clearTimeout(timer.timer);
}

function manglingOf(
  chunks: readonly Buffer[],
  result: LambdaResult,
  contentType: string | undefined,
  binary: BinarySettings,
): string | undefined {
  const written = Buffer.concat(chunks);
  const delivered = Buffer.from(result.body ?? '', result.isBase64Encoded === true ? 'base64' : 'utf8');
  if (written.length > 0 && !written.equals(delivered)) {
    return 'its bytes are not UTF-8 text and the binary settings do not mark it binary, so serverless-express sends it as text and the client gets different bytes';
  }
  const contentEncoding = headerOf(result.headers?.['content-encoding']);
  if (
    result.isBase64Encoded === true &&
    isSentAsBase64(binary, contentType, contentEncoding) &&
    binary.restApiBinaryMediaTypes !== undefined &&
    !matchesMediaType(binary.restApiBinaryMediaTypes, contentType)
  ) {
    return "serverless-express sends it base64-encoded, but it is not in the REST API's BinaryMediaTypes, so the client gets base64 text";
  }
  return undefined;
}

type Report = (
  hazard: 'work-after-response',
  message: string,
  severity: Severity,
  location: string | undefined,
) => void;

function reportWorkAfterResponse(scope: RequestScope, finding: Report): void {
  const warn = (message: string, location: string | undefined): void =>
    finding('work-after-response', message, hazards['work-after-response'].severity, location);
  const ofThisRequest = <T extends Observed>(entries: readonly T[]): T[] =>
    entries.filter((entry) => entry.phase.kind === 'request' && entry.phase.scope === scope);
  // Timers Node or a library set for itself (an HTTP client's socket timeout) have no frame in the app.
  for (const timer of ofThisRequest(observed.timers).filter(
    (entry) => isPending(entry.timer) && entry.location !== undefined,
  )) {
    warn(`${scope.request} leaves a ${timer.kind} pending after its response${at(timer.location)}`, timer.location);
    clearTimeout(timer.timer);
  }
  // The scope's flag is final by now; what matters is whether it was set when the entry was recorded.
  const after = (entry: Observed): boolean => entry.afterResponse === true;
  for (const connection of ofThisRequest(observed.connections).filter(after)) {
    warn(
      `${scope.request} opens a connection to ${connection.target} after its response${at(connection.location)}`,
      connection.location,
    );
  }
  for (const write of ofThisRequest(observed.fileWrites).filter(after)) {
    warn(`${scope.request} writes ${write.path} after its response${at(write.location)}`, write.location);
  }
}

/**
 * Lets what the app chained after its response run before looking: promise chains, immediates, and the few
 * milliseconds an HTTP client (fetch) takes to reach its connect(). Timers set for later are seen pending.
 */
async function settle(): Promise<void> {
  const turns = async (): Promise<void> => {
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  await turns();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await turns();
}

function httpApiEvent(path: string): object {
  const now = new Date();
  const headers = {
    accept: '*/*',
    host: 'doctor.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'lambdalith-doctor',
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'doctor',
      domainName: headers.host,
      domainPrefix: 'doctor',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: headers['user-agent'] },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

function lambdaContext(timeoutMs: number): object {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lambdalith-doctor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lambdalith-doctor',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/lambdalith-doctor',
    logStreamName: 'doctor',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function headerOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return value === undefined ? undefined : String(value);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function at(location: string | undefined): string {
  return location === undefined ? '' : ` (${location})`;
}
