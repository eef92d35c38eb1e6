import type { Request, RequestHandler } from 'express';
import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { finalRoutePattern, requestContextOf, type RequestContext } from '../context/request-context';
import { onResponseFinished } from '../context/response-finished';
import { assertOptionsObject, invalidOption } from '../options/assert-options';
import type { Logger } from './create-logger';

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
 * in one environment cannot mix up their lines. Mount right after `requestContext()`.
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

  return function requestLoggerMiddleware(req, res, next) {
    const context = requestContextOf(req);
    // Checked per request, not at startup, because the level can change at run time (setLogLevel); a
    // request that would not be logged costs nothing more than this comparison.
    if (logger.level <= LogLevelThreshold.INFO) {
      const startedAt = performance.now();
      onResponseFinished(res, () => {
        logger.info('request completed', requestLogAttributes(req, res.statusCode, res.writableFinished, context, startedAt));
      });
    }
    next();
  };
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
