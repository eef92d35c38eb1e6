import type { Request, RequestHandler } from 'express';
import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { finalRoutePattern, requestContextOf, type RequestContext } from '../context/request-context';
import { afterResponseFinished } from '../context/response-finished';
import { assertOptionsObject, invalidOption } from '../options/assert-options';
import { createdLoggerSettings, type Logger } from './create-logger';
import { offerRequestLogFields, takeRequestLogFields } from './request-log-fields';

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

/**
 * Logs one entry per request when its response is complete: method, route pattern, path, status,
 * `durationMs`, request and correlation ids, and in Lambda the invocation's `function_request_id` and
 * `cold_start` (Powertools adds `xray_trace_id`), plus `userId` once `authenticate()` succeeded.
 * Every value is read from this request's own context, never from module state, so concurrent invocations
 * in one environment cannot mix up their lines. Mount right after `requestContext()`. With a JSON logger,
 * the line also carries the request's CloudWatch EMF document from {@link requestMetrics} (its `_aws` key,
 * metric values and dimensions), so a request costs one stdout write; an unmatched request's metrics, whose
 * `route` dimension the line does not have, keep a line of their own.
 *
 * @example
 * ```ts
 * app.use(requestContext());
 * app.use(requestLogger({ logger }));
 * ```
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  assertOptionsObject('requestLogger()', options);
  const { logger } = options;
  if (typeof logger !== 'object' || logger === null || typeof logger.info !== 'function') {
    invalidOption('requestLogger()', 'logger', 'a Logger from createLogger()', logger);
  }

  // JSON lines from createLogger() can carry the request's EMF document (one write per request).
  const settings = createdLoggerSettings(logger);
  const carriesFields = settings?.format === 'json';

  return function requestLoggerMiddleware(req, res, next) {
    const context = requestContextOf(req);
    // Checked per request, not at startup, because the level can change at run time (setLogLevel); a
    // request that would not be logged costs nothing more than this comparison.
    if (logger.level <= LogLevelThreshold.INFO) {
      const startedAt = performance.now();
      if (carriesFields) offerRequestLogFields(res);
      // After the other finish listeners, so the line carries what they added (requestMetrics()).
      afterResponseFinished(res, () => {
        const attributes = requestLogAttributes(req, res.statusCode, res.writableFinished, context, startedAt);
        const carried = takeRequestLogFields(res);
        if (carried === undefined || Object.keys(carried).length === 0) {
          logger.info('request completed', attributes);
        } else if (logger.level <= LogLevelThreshold.INFO && canShareLine(attributes, carried, settings?.serviceName)) {
          // `service` is already on the line (Powertools writes it, and refuses it as an attribute).
          const { service: _sameService, ...fields } = carried;
          logger.info('request completed', { ...attributes, ...fields });
        } else {
          logger.info('request completed', attributes);
          // The carried document on a line of its own, as its middleware would have written it.
          process.stdout.write(`${JSON.stringify(carried)}\n`);
        }
      });
    }
    next();
  };
}

// Fields the request log line has (Powertools' own and ours). Another middleware's field of the same name
// may ride along only with the value the line gives it: an unmatched request's line has no `route`, and its
// EMF dimension `route: "UNMATCHED"` must not add one.
const LINE_FIELDS = new Set([
  'level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id', 'function_arn', 'function_memory_size',
  'function_name', 'function_request_id', 'cold_start', 'method', 'route', 'path', 'status', 'aborted', 'durationMs',
  'requestId', 'correlationId', 'userId',
]);

function canShareLine(attributes: Record<string, unknown>, carried: Record<string, unknown>, serviceName: string | undefined): boolean {
  for (const [key, value] of Object.entries(carried)) {
    if (!LINE_FIELDS.has(key)) continue;
    const lineValue = key === 'service' ? serviceName : attributes[key];
    if (lineValue === undefined || lineValue !== value) return false;
  }
  return true;
}

function requestLogAttributes(
  req: Request,
  status: number,
  finished: boolean,
  context: RequestContext,
  startedAt: number,
): Record<string, unknown> {
  const lambda = context.lambda;
  return {
    method: req.method,
    route: finalRoutePattern(req, context),
    // The path without the query string: queries may carry personal data and have unbounded variety.
    path: req.originalUrl.split('?', 1)[0],
    status,
    ...(finished ? {} : { aborted: true }),
    durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
    requestId: context.requestId,
    // Locally both ids are the same; repeating it would only add noise.
    correlationId: context.correlationId === context.requestId ? undefined : context.correlationId,
    userId: context.principal?.userId,
    ...(lambda === undefined ? {} : { function_request_id: lambda.context.awsRequestId, cold_start: lambda.coldStart }),
  };
}
