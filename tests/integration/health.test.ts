import { createServer, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createTestApp } from '../helpers/test-app';
import { isDynamoDbUnavailable } from '../../src/data/dynamodb-errors';
import { problemMap } from '../../src/routes/problem-map';
import packageJson from '../../package.json';

/** A TCP server that accepts connections and never answers: a hung DynamoDB. */
async function startHungServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

/** An endpoint where nothing listens: a dead DynamoDB. */
async function deadEndpoint(): Promise<string> {
  const hung = await startHungServer();
  await hung.close();
  return hung.endpoint;
}

describe('GET /health', () => {
  it('returns 200 with the package version without touching DynamoDB', async () => {
    const { app } = createTestApp({ DYNAMODB_ENDPOINT: await deadEndpoint() });

    const response = await request(app).get('/health');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toEqual({ status: 'ok', version: packageJson.version });
  });
});

describe('GET /health/ready', () => {
  it('returns 200 when the table answers', async () => {
    const { app } = createTestApp();

    const response = await request(app).get('/health/ready');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', version: packageJson.version });
  });

  it('returns a 503 problem with Retry-After when the table does not exist', async () => {
    const { app } = createTestApp({ TABLE_NAME: 'no-such-table' });

    const response = await request(app).get('/health/ready');

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      requestId: response.headers['x-request-id'],
    });
  });

  it('returns a 503 problem when DynamoDB is down', async () => {
    const { app } = createTestApp({ DYNAMODB_ENDPOINT: await deadEndpoint() });

    const response = await request(app).get('/health/ready');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.js/);
  });

  it('returns a 503 problem instead of hanging when DynamoDB accepts connections but never answers', async () => {
    const hung = await startHungServer();
    const { app } = createTestApp({ DYNAMODB_ENDPOINT: hung.endpoint });

    try {
      const response = await request(app).get('/health/ready');

      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await hung.close();
    }
  });
});

describe('the problem map with isDynamoDbUnavailable', () => {
  const problemFor = problemMap({ isStoreUnavailable: isDynamoDbUnavailable });

  it('turns the SDK error of a hung DynamoDB into a 503 with Retry-After', async () => {
    const hung = await startHungServer();
    const { deps } = createTestApp({ DYNAMODB_ENDPOINT: hung.endpoint });

    try {
      const failure = await deps.documentClient
        .send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } }))
        .catch((error: unknown) => error);

      expect(problemFor(failure)).toMatchObject({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        headers: { 'Retry-After': '2' },
      });
    } finally {
      await hung.close();
      deps.documentClient.destroy();
    }
  });

  it('leaves request errors (a validation failure) alone', async () => {
    const { deps } = createTestApp();

    const failure = await deps.documentClient
      .send(new GetCommand({ TableName: 'lambdalith-test', Key: { wrong: 'key' } }))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(problemFor(failure)).toBeUndefined();
  });
});
