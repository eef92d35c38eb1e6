/**
 * The values one request publishes (the README's "Metrics" bullet).
 */
export interface RequestMetricValues {
  /** The `route` dimension: the route pattern, or `UNMATCHED`. */
  readonly route: string;
  /** The `method` dimension. */
  readonly method: string;
  readonly latencyMs: number;
  readonly status: number;
}

/** Turns one request's values into the EMF line (newline included) that is written to stdout. */
export type RequestEmfFormatter = (values: RequestMetricValues, timestampMs: number) => string;

/**
 * A serializer for the per-request CloudWatch Embedded Metric Format document that prints exactly what
 * Powertools' Metrics printed for it (same members, same order, so dashboards and alarms see the same
 * metrics), without its per-flush costs (stores, validation passes, key-collision checks, object building):
 *
 * `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[["service","route","method"]],
 * "Metrics":[{"Name":"Latency","Unit":"Milliseconds"},{"Name":"4xx","Unit":"Count"},{"Name":"5xx","Unit":"Count"}]}]},
 * "service":…,"route":…,"method":…,"Latency":…,"4xx":0|1,"5xx":0|1}`
 *
 * Valid per the EMF specification: one JSON object on one line, `_aws.Timestamp` in epoch milliseconds,
 * one metric directive naming its namespace, one dimension set and its metrics, and every dimension
 * (string) and metric value (number) a top-level member. The metric directive never changes in a
 * process, so it is serialized once, here.
 *
 * @example
 * ```ts
 * const format = requestEmfFormatter({ namespace: 'lambdalith', serviceName: 'api' });
 * process.stdout.write(format({ route: '/users/:id', method: 'GET', latencyMs: 3.1, status: 200 }, Date.now()));
 * ```
 */
export function requestEmfFormatter(layout: {
  readonly namespace: string;
  readonly serviceName: string;
}): RequestEmfFormatter {
  const directive = JSON.stringify([
    {
      Namespace: layout.namespace,
      Dimensions: [['service', 'route', 'method']],
      Metrics: [
        { Name: 'Latency', Unit: 'Milliseconds' },
        { Name: '4xx', Unit: 'Count' },
        { Name: '5xx', Unit: 'Count' },
      ],
    },
  ]);
  const afterTimestamp = `,"CloudWatchMetrics":${directive}},"service":${JSON.stringify(layout.serviceName)},"route":`;

  return function formatRequestEmf(values, timestampMs) {
    const { status } = values;
    return (
      `{"_aws":{"Timestamp":${timestampMs}${afterTimestamp}${JSON.stringify(values.route)}` +
      `,"method":${JSON.stringify(values.method)},"Latency":${values.latencyMs}` +
      `,"4xx":${status >= 400 && status < 500 ? 1 : 0},"5xx":${status >= 500 ? 1 : 0}}\n`
    );
  };
}
