import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { requestEmfFormatter, type RequestMetricValues } from '../src/metrics/request-emf-document';
import { captureOutput, type CapturedOutput } from './helpers/capture-output';

/** The members of an EMF document this package's documents use (CloudWatch EMF specification). */
interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [member: string]: unknown;
}

/** What Powertools' Metrics printed for this request before: requestMetrics()'s addDimensions/addMetric/flush. */
function powertoolsDocument(values: RequestMetricValues, timestampMs: number): string {
  const metrics = new Metrics({ namespace: 'test-ns', serviceName: 'svc' });
  metrics.setTimestamp(timestampMs);
  metrics.addDimensions({ route: values.route, method: values.method });
  metrics.addMetric('Latency', MetricUnit.Milliseconds, values.latencyMs);
  metrics.addMetric('4xx', MetricUnit.Count, values.status >= 400 && values.status < 500 ? 1 : 0);
  metrics.addMetric('5xx', MetricUnit.Count, values.status >= 500 ? 1 : 0);
  metrics.publishStoredMetrics();
  const [line, ...more] = output.stdout;
  expect(more).toEqual([]);
  return `${line}\n`;
}

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
});

const format = requestEmfFormatter({ namespace: 'test-ns', serviceName: 'svc' });

describe('requestEmfFormatter()', () => {
  it.each([
    ['a success', { route: '/users/:id', method: 'GET', latencyMs: 3.14, status: 200 }],
    ['a client error', { route: 'UNMATCHED', method: 'DELETE', latencyMs: 0.5, status: 404 }],
    ['a server error', { route: '/orders/:id/pay', method: 'POST', latencyMs: 1234.56, status: 503 }],
  ])('prints, byte for byte, the document Powertools printed for %s', (_case, values) => {
    // Arrange
    const timestampMs = Date.now();
    const expected = powertoolsDocument(values, timestampMs);

    // Act
    const line = format(values, timestampMs);

    // Assert
    expect(line).toBe(expected);
  });

  it('prints a valid EMF document: timestamp, one directive, every dimension a string and every metric a number at the top level', () => {
    const timestampMs = Date.now();

    const document = JSON.parse(
      format({ route: '/users/:id', method: 'GET', latencyMs: 7.25, status: 500 }, timestampMs),
    ) as EmfDocument;

    expect(document._aws.Timestamp).toBe(timestampMs);
    expect(document._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'test-ns',
        Dimensions: [['service', 'route', 'method']],
        Metrics: [
          { Name: 'Latency', Unit: 'Milliseconds' },
          { Name: '4xx', Unit: 'Count' },
          { Name: '5xx', Unit: 'Count' },
        ],
      },
    ]);
    const [directive] = document._aws.CloudWatchMetrics;
    for (const dimension of directive?.Dimensions.flat() ?? []) expect(typeof document[dimension]).toBe('string');
    for (const { Name } of directive?.Metrics ?? []) expect(typeof document[Name]).toBe('number');
    expect(document).toMatchObject({
      service: 'svc',
      route: '/users/:id',
      method: 'GET',
      Latency: 7.25,
      '4xx': 0,
      '5xx': 1,
    });
  });

  it('escapes a hostile dimension value and keeps the document on one line', () => {
    const route = 'x"}\r\n{"_aws":{}}\u001b';

    const line = format({ route, method: 'GET', latencyMs: 1, status: 200 }, Date.now());

    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect((JSON.parse(line) as EmfDocument)['route']).toBe(route);
  });
});
