import type { Request, RequestHandler } from 'express';
import { getXRayTraceIdFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { finalRoutePattern, requestContextOf, type RequestContext } from '../context/request-context';
import { onResponseFinished, type ResponseOutput } from '../context/response-finished';
import { assertOptionsObject, invalidOption, type OptionKeys } from '../options/assert-options';
import { requestLogLineFormatterOf, type Logger } from './create-logger';
import { REQUEST_COMPLETED, type RequestLogFields } from './request-log-line';

/**
 * Options of {@link requestLogger}.
 *
 * @example
 * ```ts
 * app.use(requestLogger({ logger }));
 * ```
 */
export interface RequestLoggerOptions {
  readonly logger: Logger;
}

const REQUEST_LOGGER_OPTIONS: OptionKeys<RequestLoggerOptions> = { logger: true };

/**
 * Logs one entry per request when its response is complete: method, route pattern, path, status,
 * `durationMs`, request and correlation ids, and in Lambda the invocation's `function_request_id` and
 * `cold_start` and `xray_trace_id`, plus `userId` once `authenticate()` succeeded.
 * Every value is read from this request's own context, never from module state, so concurrent invocations
 * in one environment cannot mix up their lines. Mount right after `requestContext()`.
 *
 * @example
 * ```ts
 * app.use(requestContext());
 * app.use(requestLogger({ logger }));
 * ```
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  assertOptionsObject('requestLogger()', options, REQUEST_LOGGER_OPTIONS);
  const { logger } = options;
  if (typeof logger !== 'object' || logger === null || typeof logger.info !== 'function') {
    invalidOption('requestLogger()', 'logger', 'a Logger from createLogger()', logger);
  }
  const write = requestEntryWriter(logger);

  return function requestLoggerMiddleware(req, res, next) {
    const context = requestContextOf(req);
    // Checked per request, not at startup, because the level can change at run time (setLogLevel); a
    // request that would not be logged costs nothing more than this comparison.
    if (logger.level <= LogLevelThreshold.INFO) {
      const startedAt = performance.now();
      onResponseFinished(res, (output) => {
        write(requestLogFields(req, res.statusCode, res.writableFinished, context, startedAt), output);
      });
    }
    next();
  };
}

/**
 * How the entry leaves the process: for a JSON logger from `createLogger()`, its own serializer, as one line
 * of the response's output (written to stdout, where Powertools writes too, in the same write as the EMF
 * document; one line, so one log event); for any other logger (the pretty one, an app's own), `logger.info()`.
 */
function requestEntryWriter(logger: Logger): (fields: RequestLogFields, output: ResponseOutput) => void {
  const format = requestLogLineFormatterOf(logger);
  if (format !== undefined) {
    return (fields, output) => {
      output.push(format(fields, Date.now()));
    };
  }
  return (fields) => {
    logger.info(REQUEST_COMPLETED, powertoolsAttributes(fields));
  };
}

function requestLogFields(
  req: Request,
  status: number,
  finished: boolean,
  context: RequestContext,
  startedAt: number,
): RequestLogFields {
  const lambda = context.lambda;
  return {
    method: req.method,
    route: finalRoutePattern(req, context),
    // The path without the query string: queries may carry personal data and have unbounded variety.
    path: req.originalUrl.split('?', 1)[0] ?? '',
    status,
    aborted: !finished,
    durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
    requestId: context.requestId,
    // Locally both ids are the same; repeating it would only add noise.
    correlationId: context.correlationId === context.requestId ? undefined : context.correlationId,
    userId: context.principal?.userId,
    lambda: lambda === undefined ? undefined : { requestId: lambda.context.awsRequestId, coldStart: lambda.coldStart },
    // Read once per request, with Powertools' own reader (it knows where Lambda keeps it when invocations run
    // concurrently), where Powertools reads it twice for every entry. logger.info() adds it by itself.
    xrayTraceId: lambda === undefined ? undefined : getXRayTraceIdFromEnv(),
  };
}

/** The same fields as attributes for `logger.info()`; Powertools adds level, time, service and the trace id. */
function powertoolsAttributes(fields: RequestLogFields): Record<string, unknown> {
  return {
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
  };
}
