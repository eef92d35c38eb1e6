import type { RequestHandler } from 'express';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { finalRoutePattern, requestContextOf } from '../context/request-context';
import { onResponseFinished } from '../context/response-finished';
import { assertOptionsObject, invalidOption } from '../options/assert-options';
import { metricsEnabled } from './create-metrics';

/**
 * Options of {@link requestMetrics}.
 *
 * @example
 * ```ts
 * app.use(requestMetrics({ metrics }));
 * ```
 */
export interface RequestMetricsOptions {
  readonly metrics: Metrics;
}

/**
 * The `route` dimension of requests no route matched: raw paths would make one metric per URL.
 *
 * @example
 * ```ts
 * expect(emf.route).toBe(UNMATCHED_ROUTE);
 * ```
 */
export const UNMATCHED_ROUTE = 'UNMATCHED';

/**
 * Publishes per request, when its response is complete: `Latency` (milliseconds), `4xx` and `5xx`
 * (0 or 1, so their average is the error rate), with the route *pattern* and the method as dimensions.
 * Publishing happens synchronously at the end of each request, so in Lambda every invocation flushes its
 * own metrics before it returns, and concurrent requests never share a dimension set. Count the app's own
 * events on the same `metrics` without request-specific dimensions; they are flushed here too.
 *
 * @example
 * ```ts
 * app.use(requestContext());
 * app.use(requestMetrics({ metrics }));
 * ```
 */
export function requestMetrics(options: RequestMetricsOptions): RequestHandler {
  assertOptionsObject('requestMetrics()', options);
  const { metrics } = options;
  if (typeof metrics !== 'object' || metrics === null || typeof metrics.publishStoredMetrics !== 'function') {
    invalidOption('requestMetrics()', 'metrics', 'a Metrics from createMetrics()', metrics);
  }
  if (!metricsEnabled(metrics)) {
    // Nothing to publish. What the app counts on a disabled instance stays bounded: Powertools flushes
    // (here: discards) its buffer every 100 values.
    return function requestMetricsMiddleware(_req, _res, next) {
      next();
    };
  }

  return function requestMetricsMiddleware(req, res, next) {
    const context = requestContextOf(req);
    const startedAt = performance.now();
    onResponseFinished(res, () => {
      const latencyMs = performance.now() - startedAt;
      // The app's own counts first, under the service dimension only.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      const status = res.statusCode;
      metrics.addDimensions({ route: finalRoutePattern(req, context) ?? UNMATCHED_ROUTE, method: req.method });
      metrics.addMetric('Latency', MetricUnit.Milliseconds, Math.round(latencyMs * 100) / 100);
      metrics.addMetric('4xx', MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
      metrics.addMetric('5xx', MetricUnit.Count, status >= 500 ? 1 : 0);
      metrics.publishStoredMetrics();
    });
    next();
  };
}
