import request from 'supertest';
import { captureOutput } from '../../layers/middleware/tests/helpers/capture-output';
import { createTestApp } from '../helpers/test-app';

// The app's own middleware order, observed from outside: every request gets one log entry and its
// metrics, including the CORS preflights that corsPolicy() answers without reaching a route.
describe('createApp observability', () => {
  it('logs and counts an allowed CORS preflight like any other request', async () => {
    const { app } = createTestApp({
      CORS_ORIGINS: 'https://app.example.com',
      LOG_LEVEL: 'INFO',
      METRICS_ENABLED: 'true',
    });
    const output = captureOutput();

    let status: number;
    try {
      const response = await request(app)
        .options('/users/me')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
      status = response.status;
    } finally {
      output.restore();
    }

    const lines = output.json();
    expect(status).toBe(204);
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'request completed', method: 'OPTIONS', status: 204 }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ method: 'OPTIONS', Latency: expect.any(Number), _aws: expect.any(Object) }),
    );
  });
});
