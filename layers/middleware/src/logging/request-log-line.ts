/**
 * What one request's log entry says (the README's "Logs" bullet). `undefined` fields are left out, as
 * Powertools leaves them out.
 */
export interface RequestLogFields {
  readonly method: string;
  /** The matched route pattern; absent when no route matched. */
  readonly route: string | undefined;
  /** The path without the query string. */
  readonly path: string;
  readonly status: number;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
  readonly durationMs: number;
  readonly requestId: string;
  readonly correlationId: string | undefined;
  readonly userId: string | undefined;
  /** In Lambda: the invocation's request id and whether it was the environment's first. */
  readonly lambda: { readonly requestId: string; readonly coldStart: boolean } | undefined;
  /** In Lambda with tracing: the X-Ray trace id (`1-…`), read once per invocation. */
  readonly xrayTraceId: string | undefined;
}

/** Turns one request's fields into the JSON line (newline included) written to stdout; `nowMs`: epoch ms. */
export type RequestLogLineFormatter = (fields: RequestLogFields, nowMs: number) => string;

/**
 * The message every request entry carries; dashboards and tests find request entries by it.
 *
 * @example
 * ```ts
 * lines.filter((line) => line.message === REQUEST_COMPLETED);
 * ```
 */
export const REQUEST_COMPLETED = 'request completed';

/**
 * A serializer for the per-request log entry that prints exactly what Powertools' logger printed for
 * `logger.info('request completed', attributes)`, key for key and in the same order (`level`, `message`,
 * `timestamp`, `service`, `cold_start`, `function_request_id`, `sampling_rate`, `xray_trace_id`, then the
 * request's own fields), without its per-entry costs: no deep merge of attribute objects, no replacer
 * function called on every key, no environment reads. What never changes in a process (level, message,
 * service, sampling rate) is serialized once, here.
 *
 * Every value goes through `JSON.stringify`, so quotes, backslashes and control characters from request
 * data (a path with ESC or CR/LF) are escaped exactly as Powertools escaped them, and one entry stays one
 * line. None of the field names is a credential's, so the redaction Powertools applies by key name has
 * nothing to redact here (a unit test keeps that true).
 *
 * Timestamps are UTC (`toISOString()`), as Powertools prints them wherever `TZ` is unset or UTC, which
 * includes every Lambda environment.
 *
 * @example
 * ```ts
 * const format = requestLogLineFormatter({ serviceName: 'api', samplingRate: 0 });
 * process.stdout.write(format(fields, Date.now()));
 * ```
 */
export function requestLogLineFormatter(layout: {
  readonly serviceName: string;
  readonly samplingRate: number;
}): RequestLogLineFormatter {
  const head = `{"level":"INFO","message":${JSON.stringify(REQUEST_COMPLETED)},"timestamp":"`;
  const service = `","service":${JSON.stringify(layout.serviceName)}`;
  const samplingRate = `,"sampling_rate":${JSON.stringify(layout.samplingRate)}`;

  return function formatRequestLogLine(fields, nowMs) {
    let line = head + isoTimestamp(nowMs) + service;
    if (fields.lambda !== undefined) {
      line += `,"cold_start":${fields.lambda.coldStart},"function_request_id":${JSON.stringify(fields.lambda.requestId)}`;
    }
    line += samplingRate;
    if (fields.xrayTraceId !== undefined) line += `,"xray_trace_id":${JSON.stringify(fields.xrayTraceId)}`;
    line += `,"method":${JSON.stringify(fields.method)}`;
    if (fields.route !== undefined) line += `,"route":${JSON.stringify(fields.route)}`;
    line += `,"path":${JSON.stringify(fields.path)},"status":${jsonNumber(fields.status)}`;
    if (fields.aborted) line += ',"aborted":true';
    line += `,"durationMs":${jsonNumber(fields.durationMs)},"requestId":${JSON.stringify(fields.requestId)}`;
    if (fields.correlationId !== undefined) line += `,"correlationId":${JSON.stringify(fields.correlationId)}`;
    if (fields.userId !== undefined) line += `,"userId":${JSON.stringify(fields.userId)}`;
    return `${line}}\n`;
  };
}

// JSON has no NaN or Infinity; JSON.stringify prints them as null, and so does this.
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

// `new Date(ms).toISOString()` costs about half a microsecond, a third of the whole line. Everything up to
// the minute changes once a minute, so Date formats it once a minute; seconds and milliseconds are appended
// as digits. Same output as toISOString() for any time from 1970 to 9999 (a process-wide cache of a clock
// reading, never request data).
let minuteStartMs = Number.NaN;
let minutePrefix = '';

/** `2026-12-03T10:04:05.123Z` for `epochMs`, exactly as `toISOString()` prints it. */
export function isoTimestamp(epochMs: number): string {
  const intoMinute = epochMs % 60_000;
  const startMs = epochMs - intoMinute;
  if (startMs !== minuteStartMs) {
    minutePrefix = new Date(startMs).toISOString().slice(0, 17);
    minuteStartMs = startMs;
  }
  const seconds = Math.floor(intoMinute / 1000);
  const millis = intoMinute % 1000;
  return `${minutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
