import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import express, { type Express } from 'express';
import request from 'supertest';
import { errorHandler, rateLimit, requestContext } from '@lambdalith/middleware';
import { createDocumentClient } from '../../src/data/dynamodb-client';
import { DynamoDbRateLimitStore } from '../../src/data/dynamodb-rate-limit-store';
import { testConfig } from '../helpers/test-environment';

const clients: DynamoDBDocumentClient[] = [];
let tableName: string;

/** A store with its own client, as each Lambda instance would have. */
function newStore(): { store: DynamoDbRateLimitStore; client: DynamoDBDocumentClient } {
  const config = testConfig();
  tableName = config.dynamodb.tableName;
  const client = createDocumentClient(config.dynamodb);
  clients.push(client);
  return { store: new DynamoDbRateLimitStore(client, tableName), client };
}

afterAll(() => {
  for (const client of clients) client.destroy();
});

const uniqueKey = (): string => `test:${randomUUID()}`;
const WINDOW_START = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('DynamoDbRateLimitStore', () => {
  it('stores one counter item per key and window, with a TTL at the end of the window', async () => {
    const { store, client } = newStore();
    const key = uniqueKey();

    const result = await store.increment(key, 60, WINDOW_START + 15_000);

    expect(result).toEqual({ count: 1, resetAtMs: WINDOW_START + 60_000 });
    const item = await client.send(
      new GetCommand({ TableName: tableName, Key: { PK: `RATE#${key}`, SK: `WINDOW#${WINDOW_START / 1000}` } }),
    );
    expect(item.Item).toEqual({
      PK: `RATE#${key}`,
      SK: `WINDOW#${WINDOW_START / 1000}`,
      count: 1,
      expiresAt: (WINDOW_START + 60_000) / 1000,
    });
  });

  it('counts concurrent increments exactly once each (UpdateItem ADD is atomic)', async () => {
    const { store } = newStore();
    const key = uniqueKey();

    const results = await Promise.all(Array.from({ length: 25 }, () => store.increment(key, 60, WINDOW_START)));

    expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  it('shares counts between instances with their own clients', async () => {
    const first = newStore().store;
    const second = newStore().store;
    const key = uniqueKey();

    await first.increment(key, 60, WINDOW_START);
    const fromSecond = await second.increment(key, 60, WINDOW_START + 1_000);

    expect(fromSecond.count).toBe(2);
  });

  it('starts a new counter in the next window', async () => {
    const { store } = newStore();
    const key = uniqueKey();
    await store.increment(key, 60, WINDOW_START);
    await store.increment(key, 60, WINDOW_START + 59_999);

    const next = await store.increment(key, 60, WINDOW_START + 60_000);

    expect(next).toEqual({ count: 1, resetAtMs: WINDOW_START + 120_000 });
  });
});

describe('rateLimit() on DynamoDbRateLimitStore', () => {
  /** One "Lambda instance": its own app, client and store, on the shared table. */
  function instance(keyPrefix: string): Express {
    const app = express();
    app.use(requestContext());
    app.post('/login', rateLimit({ store: newStore().store, limit: 3, windowSeconds: 60, keyPrefix }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());
    return app;
  }

  it('holds the limit across instances: the fourth request, on another instance, gets a 429', async () => {
    const keyPrefix = `login-${randomUUID().slice(0, 8)}`;
    const [a, b] = [instance(keyPrefix), instance(keyPrefix)];

    const statuses = [];
    for (const app of [a, b, a]) statuses.push((await request(app).post('/login')).status);
    const fourth = await request(b).post('/login');

    expect(statuses).toEqual([200, 200, 200]);
    expect(fourth).toMatchObject({
      status: 429,
      headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
      body: { code: 'TOO_MANY_REQUESTS' },
    });
  });
});
