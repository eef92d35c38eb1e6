import { Logger } from '@aws-lambda-powertools/logger';
import { isSecretKey, redactSecrets } from '../src/logging/redact';
import {
  isoTimestamp,
  REQUEST_COMPLETED,
  requestLogLineFormatter,
  type RequestLogFields,
} from '../src/logging/request-log-line';
import { captureOutput, type CapturedOutput } from './helpers/capture-output';

// Request data an attacker controls, with everything JSON must escape and a terminal would act on: quotes,
// backslashes, ESC, CR/LF (a forged second entry), NUL, DEL, C1, the line separators and a bidi override.
const HOSTILE = 'a"b\\c\u001b[2J\r\n{"level":"ERROR"}\u0000\u007f\u009b\u2028\u2029\u202e';
const NOW = new Date('2026-12-03T10:04:05.123Z');
const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';

const inLambda: RequestLogFields = {
  method: 'POST',
  route: '/users/:id/orders',
  path: `/users/${HOSTILE}/orders`,
  status: 201,
  aborted: false,
  durationMs: 12.34,
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  correlationId: `gw-${HOSTILE}`,
  userId: `user-${HOSTILE}`,
  lambda: { requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', coldStart: true },
  xrayTraceId: '1-5759e988-bd862e3fe1be46a994272793',
};

const localUnmatchedAborted: RequestLogFields = {
  method: 'GET',
  route: undefined,
  path: '/nowhere',
  status: 404,
  aborted: true,
  durationMs: 0.5,
  requestId: 'local-id',
  correlationId: undefined,
  userId: undefined,
  lambda: undefined,
  xrayTraceId: undefined,
};

/** What the Powertools logger printed for this request before: the attributes requestLogger() passed. */
function powertoolsLine(fields: RequestLogFields): string {
  const logger = new Logger({
    serviceName: 'svc',
    logLevel: 'INFO',
    sampleRateValue: 0,
    jsonReplacerFn: redactSecrets,
  });
  logger.info(REQUEST_COMPLETED, {
    method: fields.method,
    route: fields.route,
    path: fields.path,
    status: fields.status,
    ...(fields.aborted ? { aborted: true } : {}),
    durationMs: fields.durationMs,
    requestId: fields.requestId,
    correlationId: fields.correlationId,
    userId: fields.userId,
    ...(fields.lambda === undefined
      ? {}
      : { function_request_id: fields.lambda.requestId, cold_start: fields.lambda.coldStart }),
  });
  const [line, ...more] = output.stdout;
  expect(more).toEqual([]);
  return `${line}\n`;
}

let output: CapturedOutput;
const savedTraceHeader = process.env['_X_AMZN_TRACE_ID'];
beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] });
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  jest.useRealTimers();
  if (savedTraceHeader === undefined) delete process.env['_X_AMZN_TRACE_ID'];
  else process.env['_X_AMZN_TRACE_ID'] = savedTraceHeader;
});

describe('requestLogLineFormatter()', () => {
  const format = requestLogLineFormatter({ serviceName: 'svc', samplingRate: 0 });

  it('prints, byte for byte, the line Powertools printed for a request in Lambda (same keys, order and escapes)', () => {
    // Arrange: Powertools reads the trace id from the environment itself
    process.env['_X_AMZN_TRACE_ID'] = TRACE_HEADER;
    const expected = powertoolsLine(inLambda);

    // Act
    const line = format(inLambda, NOW.getTime());

    // Assert
    expect(line).toBe(expected);
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'cold_start',
      'function_request_id',
      'sampling_rate',
      'xray_trace_id',
      'method',
      'route',
      'path',
      'status',
      'durationMs',
      'requestId',
      'correlationId',
      'userId',
    ]);
  });

  it('prints, byte for byte, the line Powertools printed for an aborted, unmatched local request', () => {
    delete process.env['_X_AMZN_TRACE_ID'];
    const expected = powertoolsLine(localUnmatchedAborted);

    const line = format(localUnmatchedAborted, NOW.getTime());

    expect(line).toBe(expected);
    expect(JSON.parse(line)).toEqual({
      level: 'INFO',
      message: 'request completed',
      timestamp: '2026-12-03T10:04:05.123Z',
      service: 'svc',
      sampling_rate: 0,
      method: 'GET',
      path: '/nowhere',
      status: 404,
      aborted: true,
      durationMs: 0.5,
      requestId: 'local-id',
    });
  });

  it('keeps hostile request data on one line, escaped, and returns it intact when parsed', () => {
    const line = format(inLambda, NOW.getTime());

    expect(line.endsWith('}\n')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what must not appear.
    expect(line.slice(0, -1)).not.toMatch(/[\r\n\u0000\u001b]/);
    expect(JSON.parse(line)).toMatchObject({ path: inLambda.path, correlationId: inLambda.correlationId });
  });

  it('carries no field a credential could hide in: every key is one the redaction lets through', () => {
    const keys = [format(inLambda, NOW.getTime()), format(localUnmatchedAborted, NOW.getTime())].flatMap((line) =>
      Object.keys(JSON.parse(line) as object),
    );

    expect(keys.filter(isSecretKey)).toEqual([]);
  });

  it('prints the service name and sampling rate it was made with, escaped once at construction', () => {
    const line = requestLogLineFormatter({ serviceName: 'my "api"', samplingRate: 0.1 })(
      localUnmatchedAborted,
      NOW.getTime(),
    );

    expect(JSON.parse(line)).toMatchObject({ service: 'my "api"', sampling_rate: 0.1 });
  });
});

describe('isoTimestamp()', () => {
  it('prints what Date#toISOString prints, across seconds, minutes, days and years', () => {
    // Every 7 ms for three minutes across a new year, plus the edges of a second.
    const start = Date.UTC(2026, 11, 31, 23, 58, 58, 990);
    const instants = [
      ...Array.from({ length: 26_000 }, (_, i) => start + i * 7),
      Date.UTC(2026, 0, 1, 0, 0, 0, 0),
      Date.UTC(2026, 0, 1, 0, 0, 0, 999),
      Date.UTC(2026, 0, 1, 0, 0, 1, 0),
      Date.UTC(1999, 5, 7, 8, 9, 10, 11),
    ];

    const mismatches = instants.filter((ms) => isoTimestamp(ms) !== new Date(ms).toISOString());

    expect(mismatches).toEqual([]);
  });
});
