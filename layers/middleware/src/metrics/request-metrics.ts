import type { RequestHandler } from 'express';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { finalRoutePattern, requestContextOf } from '../context/request-context';
import { onResponseFinished, type ResponseOutput } from '../context/response-finished';
import { assertOptionsObject, invalidOption, type OptionKeys } from '../options/assert-options';
import { metricsEnabled, requestEmfFormatterOf } from './create-metrics';
import type { RequestMetricValues } from './request-emf-document';

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

const REQUEST_METRICS_OPTIONS: OptionKeys<RequestMetricsOptions> = { metrics: true };

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
  assertOptionsObject('requestMetrics()', options, REQUEST_METRICS_OPTIONS);
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

  const publish = requestMetricsPublisher(metrics);

  return function requestMetricsMiddleware(req, res, next) {
    const context = requestContextOf(req);
    const startedAt = performance.now();
    onResponseFinished(res, (output) => {
      const latencyMs = Math.round((performance.now() - startedAt) * 100) / 100;
      // The app's own counts first, in their own document under the service dimension only.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      const route = finalRoutePattern(req, context) ?? UNMATCHED_ROUTE;
      publish({ route, method: req.method, latencyMs, status: res.statusCode }, output);
    });
    next();
  };
}

/**
 * How the request's document leaves the process: for Metrics from `createMetrics()`, its own serializer, as
 * one line of the response's output (written to stdout, where Powertools writes too, in the same write as
 * the request log line); for any other Metrics, Powertools' addDimensions, addMetric and flush.
 */
function requestMetricsPublisher(metrics: Metrics): (values: RequestMetricValues, output: ResponseOutput) => void {
  const format = requestEmfFormatterOf(metrics);
  if (format !== undefined) {
    return (values, output) => {
      output.push(format(values, Date.now()));
    };
  }
  return (values) => {
    metrics.addDimensions({ route: values.route, method: values.method });
    metrics.addMetric('Latency', MetricUnit.Milliseconds, values.latencyMs);
    metrics.addMetric('4xx', MetricUnit.Count, values.status >= 400 && values.status < 500 ? 1 : 0);
    metrics.addMetric('5xx', MetricUnit.Count, values.status >= 500 ? 1 : 0);
    metrics.publishStoredMetrics();
  };
}
