import { STATUS_CODES } from 'node:http';
import type { Context } from 'aws-lambda';
import type { ProblemDocument } from '../errors/error-handler';
import { PROBLEM_CONTENT_TYPE } from '../errors/error-handler';
import { assertFunction, assertOptionsObject, type OptionKeys } from '../options/assert-options';
import type { LambdaHttpEvent } from './lambda-invoke';

/**
 * The logging {@link rejectIncompleteHttpEvents} needs; a Powertools `Logger` satisfies it.
 *
 * @example
 * ```ts
 * const logger: EventGuardLogger = createLogger({ serviceName: 'api' });
 * ```
 */
export interface EventGuardLogger {
  warn(message: string, ...extra: unknown[]): void;
}

/**
 * Options of {@link rejectIncompleteHttpEvents}.
 *
 * @example
 * ```ts
 * const options: EventGuardOptions = { logger };
 * ```
 */
export interface EventGuardOptions {
  readonly logger: EventGuardLogger;
}

/** The result an HTTP event source accepts; `statusDescription` for ALB only. */
interface ProblemResult {
  readonly statusCode: number;
  readonly statusDescription?: string;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

const EVENT_GUARD_OPTIONS: OptionKeys<EventGuardOptions> = { logger: true };

const STATUS = 400;

/**
 * Wraps the serverless-express handler so that an event missing what it needs to build a request (a test
 * event typed by hand, a misconfigured integration: an HTTP API event without `headers` or `rawPath`, a REST
 * or ALB event without `httpMethod` or `path`) is answered with a 400 problem in the event source's result
 * shape, with the invocation id as request id, and logged through `logger`. Unwrapped, serverless-express
 * throws on such an event, prints the stack with console.error and answers a bare 500.
 *
 * @example
 * ```ts
 * export const handler = withLambdaInvoke(rejectIncompleteHttpEvents(proxy, { logger }));
 * ```
 */
export function rejectIncompleteHttpEvents<TEvent extends LambdaHttpEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  options: EventGuardOptions,
): (event: TEvent, context: Context) => Promise<TResult | ProblemResult> {
  const factory = 'rejectIncompleteHttpEvents()';
  assertFunction(factory, 'handler', handler);
  assertOptionsObject(factory, options, EVENT_GUARD_OPTIONS);
  assertFunction(factory, 'logger.warn', options.logger?.warn);
  const { logger } = options;

  return async function incompleteHttpEventGuard(event, context) {
    const missing = missingParts(event);
    if (missing.length === 0) return handler(event, context);
    logger.warn('Lambda event rejected: not a complete HTTP event', {
      missing,
      requestId: context.awsRequestId,
      status: STATUS,
    });
    return problemResult(event, context, missing);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** What the event lacks for serverless-express to build a request from it, by event source. */
function missingParts(event: unknown): string[] {
  if (!isRecord(event)) return ['the event'];
  const requestContext = event['requestContext'];
  if (!isRecord(requestContext)) return ['requestContext'];
  const missing: string[] = [];
  if (event['version'] === '2.0' && requestContext['elb'] === undefined) {
    // HTTP API (payload 2.0) and Function URLs.
    const http = requestContext['http'];
    if (!isRecord(http) || !isNonEmptyString(http['method'])) missing.push('requestContext.http.method');
    if (!isNonEmptyString(event['rawPath']) && !isNonEmptyString(event['requestPath'])) missing.push('rawPath');
    if (!isRecord(event['headers'])) missing.push('headers');
    return missing;
  }
  // REST APIs (payload 1.0) and ALB; their headers may be absent or null (serverless-express copes).
  if (!isNonEmptyString(event['httpMethod'])) missing.push('httpMethod');
  if (!isNonEmptyString(event['path'])) missing.push('path');
  for (const name of ['headers', 'multiValueHeaders']) {
    if (event[name] !== undefined && event[name] !== null && !isRecord(event[name])) missing.push(name);
  }
  return missing;
}

function problemResult(event: unknown, context: Context, missing: readonly string[]): ProblemResult {
  const problem: ProblemDocument = {
    type: 'about:blank',
    title: STATUS_CODES[STATUS] ?? 'Bad Request',
    status: STATUS,
    detail: `The Lambda event is not a complete HTTP request (missing or invalid: ${missing.join(', ')})`,
    code: 'INVALID_EVENT',
    requestId: context.awsRequestId,
  };
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-request-id': context.awsRequestId,
  };
  const body = JSON.stringify(problem);
  const record = isRecord(event) ? event : {};
  const requestContext = isRecord(record['requestContext']) ? record['requestContext'] : {};
  if (requestContext['elb'] !== undefined) {
    // An ALB target group with multi-value headers sends only multiValueHeaders and must get them back.
    const multiValue = record['multiValueHeaders'] !== undefined && record['headers'] === undefined;
    return {
      statusCode: STATUS,
      statusDescription: `${STATUS} ${problem.title}`,
      ...(multiValue
        ? { multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])) }
        : { headers }),
      body,
      isBase64Encoded: false,
    };
  }
  return { statusCode: STATUS, headers, body, isBase64Encoded: false };
}
