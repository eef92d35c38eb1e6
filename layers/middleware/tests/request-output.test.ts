import express, { type Express } from 'express';
import request from 'supertest';
import { createLogger, createMetrics, requestContext, requestLogger, requestMetrics } from '@lambdalith/middleware';

/** An app that logs and measures every request, as the app mounts the two middleware. */
function observedApp(): Express {
  const app = express();
  app.use(requestContext());
  app.use(requestLogger({ logger: createLogger({ serviceName: 'svc' }) }));
  app.use(requestMetrics({ metrics: createMetrics({ namespace: 'test-ns', serviceName: 'svc', enabled: true }) }));
  app.get('/items/:id', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('the request log entry and EMF document', () => {
  it('leave in ONE stdout write per request, as two lines (two log events): the entry, then the document', async () => {
    // Arrange: record each write as it was made, not split into lines
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });

    // Act
    try {
      await request(observedApp()).get('/items/7');
    } finally {
      spy.mockRestore();
    }

    // Assert
    expect(writes).toHaveLength(1);
    const lines = (writes[0] ?? '').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      message: 'request completed',
      route: '/items/:id',
      status: 200,
    });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ _aws: expect.any(Object), route: '/items/:id', '4xx': 0 });
  });
});
