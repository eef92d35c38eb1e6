import express, { Router, type Express } from 'express';
import request from 'supertest';
import {
  createMetrics,
  errorHandler,
  MetricUnit,
  metricsEnabled,
  notFound,
  requestContext,
  requestMetrics,
  type CreateMetricsOptions,
  type Metrics,
} from '@lambdalith/middleware';
import { captureOutput, type CapturedOutput } from './helpers/capture-output';
import { lambdaContext, httpApiEvent, lambdaHandler } from './helpers/lambda';

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
});

function measuredApp(metrics: Metrics): Express {
  const app = express();
  app.use(requestContext());
  app.use(requestMetrics({ metrics }));
  const orders = Router();
  orders.get('/:id', async (_req, res) => {
    await new Promise((resolveTick) => setImmediate(resolveTick));
    res.json({});
  });
  orders.post('/:id/pay', (_req, res) => {
    metrics.addMetric('PaymentTaken', MetricUnit.Count, 1);
    res.status(201).json({});
  });
  orders.get('/:id/fail', () => {
    throw new Error('boom');
  });
  app.use('/orders', orders);
  app.use(notFound());
  app.use(errorHandler());
  return app;
}

/** EMF documents on stdout, as CloudWatch would parse them. */
interface EmfDocument {
  readonly _aws: { readonly CloudWatchMetrics: readonly { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}
const emfDocuments = (): EmfDocument[] => output.json().filter((line): line is EmfDocument => '_aws' in line);
const requestDocuments = (): EmfDocument[] => emfDocuments().filter((doc) => 'Latency' in doc);

const enabled = (): Metrics => createMetrics({ namespace: 'test-ns', serviceName: 'svc', enabled: true });

describe('requestMetrics()', () => {
  it('publishes Latency, 4xx and 5xx per request, with the route pattern and method as dimensions', async () => {
    await request(measuredApp(enabled())).get('/orders/123');

    const [document, ...more] = requestDocuments();
    expect(more).toEqual([]);
    expect(document?._aws.CloudWatchMetrics).toEqual([
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
    expect(document).toMatchObject({ service: 'svc', route: '/orders/:id', method: 'GET', Latency: expect.any(Number), '4xx': 0, '5xx': 0 });
  });

  it('counts a 5xx, keeping the route pattern of the route that failed', async () => {
    await request(measuredApp(enabled())).get('/orders/9/fail');

    expect(requestDocuments()).toEqual([expect.objectContaining({ route: '/orders/:id/fail', '4xx': 0, '5xx': 1 })]);
  });

  it('counts a 4xx of an unmatched path under one UNMATCHED route, never the raw path', async () => {
    await request(measuredApp(enabled())).get('/no/such/path/42');

    expect(requestDocuments()).toEqual([expect.objectContaining({ route: 'UNMATCHED', method: 'GET', '4xx': 1, '5xx': 0 })]);
    expect(output.stdout.join('\n')).not.toContain('/no/such/path/42');
  });

  it('flushes the app’s own counts at the end of the request, under the service dimension only', async () => {
    await request(measuredApp(enabled())).post('/orders/5/pay');

    const appDocument = emfDocuments().find((doc) => 'PaymentTaken' in doc);
    expect(appDocument).toMatchObject({ service: 'svc', PaymentTaken: 1 });
    expect(appDocument?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(requestDocuments()).toEqual([expect.objectContaining({ route: '/orders/:id/pay', method: 'POST' })]);
  });

  it('publishes each Lambda invocation’s metrics before it returns, with its own dimensions under concurrency', async () => {
    const handler = lambdaHandler(measuredApp(enabled()));

    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => handler(httpApiEvent({ path: `/orders/${i}` }), lambdaContext())),
      ...Array.from({ length: 5 }, (_, i) => handler(httpApiEvent({ path: `/orders/${i}/fail` }), lambdaContext())),
    ]);

    expect(results.map((result) => result.statusCode).sort()).toEqual([...Array(10).fill(200), ...Array(5).fill(500)]);
    const documents = requestDocuments();
    expect(documents).toHaveLength(15);
    expect(documents.filter((doc) => doc['route'] === '/orders/:id' && doc['5xx'] === 0)).toHaveLength(10);
    expect(documents.filter((doc) => doc['route'] === '/orders/:id/fail' && doc['5xx'] === 1)).toHaveLength(5);
  });

  it('prints nothing when metrics are disabled, even what the app counts', async () => {
    const metrics = createMetrics({ namespace: 'test-ns', serviceName: 'svc', enabled: false });

    await request(measuredApp(metrics)).post('/orders/5/pay');
    for (let i = 0; i < 150; i += 1) metrics.addMetric('PaymentTaken', MetricUnit.Count, 1);

    expect(metricsEnabled(metrics)).toBe(false);
    expect(emfDocuments()).toEqual([]);
  });

  it('returns a named middleware and refuses a missing metrics instance', () => {
    expect(requestMetrics({ metrics: enabled() }).name).toBe('requestMetricsMiddleware');
    expect(() => requestMetrics({} as { metrics: Metrics })).toThrow(/requestMetrics\(\): "metrics" must be a Metrics from createMetrics\(\)/);
  });
});

describe('createMetrics()', () => {
  it.each([
    ['no namespace', { namespace: '', serviceName: 's', enabled: true }, /createMetrics\(\): "namespace" must be a non-empty string/],
    ['no service name', { namespace: 'n', serviceName: '', enabled: true }, /"serviceName" must be a non-empty string/],
    ['enabled as a string', { namespace: 'n', serviceName: 's', enabled: 'yes' }, /"enabled" must be true or false/],
  ])('refuses to start with %s', (_case, options, message) => {
    expect(() => createMetrics(options as unknown as CreateMetricsOptions)).toThrow(message);
  });
});
