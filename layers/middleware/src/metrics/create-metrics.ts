import { Metrics } from '@aws-lambda-powertools/metrics';
import { assertNonEmptyString, assertOptionsObject, invalidOption, type OptionKeys } from '../options/assert-options';
import { requestEmfFormatter, type RequestEmfFormatter } from './request-emf-document';

/**
 * Options of {@link createMetrics}.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ namespace: 'lambdalith', serviceName: 'lambdalith', enabled: true });
 * ```
 */
export interface CreateMetricsOptions {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** Becomes the `service` dimension of every metric. */
  readonly serviceName: string;
  /** `false` gives a Metrics that accepts everything and prints nothing (local runs, tests). */
  readonly enabled: boolean;
}

// Powertools can only be switched off through environment variables, and config is the only reader of
// the environment here; so "off" is this subclass, which discards instead of printing.
class DisabledMetrics extends Metrics {
  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  override singleMetric(): Metrics {
    return new DisabledMetrics({ namespace: 'disabled' });
  }

  override captureColdStartMetric(): void {
    // Nothing is published while disabled.
  }
}

const CREATE_METRICS_OPTIONS: OptionKeys<CreateMetricsOptions> = { namespace: true, serviceName: true, enabled: true };

/**
 * Creates the process-wide Powertools Metrics, which prints CloudWatch Embedded Metric Format lines to
 * stdout (CloudWatch turns them into metrics; no API calls). The app may add its own counts to it;
 * `requestMetrics()` flushes them at the end of each request.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ namespace: 'lambdalith', serviceName: 'api', enabled: config.metrics.enabled });
 * metrics.addMetric('WelcomeEmailFailed', MetricUnit.Count, 1);
 * ```
 */
export function createMetrics(options: CreateMetricsOptions): Metrics {
  const factory = 'createMetrics()';
  assertOptionsObject(factory, options, CREATE_METRICS_OPTIONS);
  assertNonEmptyString(factory, 'namespace', options.namespace);
  assertNonEmptyString(factory, 'serviceName', options.serviceName);
  if (typeof options.enabled !== 'boolean') invalidOption(factory, 'enabled', 'true or false', options.enabled);
  const settings = { namespace: options.namespace, serviceName: options.serviceName };
  if (!options.enabled) return new DisabledMetrics(settings);
  const metrics = new Metrics(settings);
  requestEmfFormatters.set(metrics, requestEmfFormatter(settings));
  return metrics;
}

// Enabled Metrics made here, with the serializer of their per-request document. `requestMetrics()` writes
// that document itself when it finds one (a fraction of what a Powertools flush costs per request); any
// other Metrics (one an app built itself) gets the request's values through addMetric() and a flush.
const requestEmfFormatters = new WeakMap<Metrics, RequestEmfFormatter>();

/** The serializer of `metrics`' per-request EMF document, if `createMetrics()` made it enabled. */
export function requestEmfFormatterOf(metrics: Metrics): RequestEmfFormatter | undefined {
  return requestEmfFormatters.get(metrics);
}

/**
 * Whether `metrics` publishes anything; {@link requestMetrics} skips its work when it does not.
 *
 * @example
 * ```ts
 * if (metricsEnabled(metrics)) metrics.addMetadata('plan', 'pro');
 * ```
 */
export function metricsEnabled(metrics: Metrics): boolean {
  return !(metrics instanceof DisabledMetrics);
}

export { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
