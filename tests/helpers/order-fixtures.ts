import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { DynamoDbOrderRepository } from '../../src/data/dynamodb-order-repository';
import { idempotencyKey, orderKey } from '../../src/data/order-keys';
import type { Dependencies } from '../../src/dependencies';
import { OrderService } from '../../src/domain/order-service';
import { PaginationCursorCodec } from '../../src/domain/pagination-cursor';
import { bearer, createUsersTestApp } from './user-fixtures';
import { TEST_JWT_SECRET, TEST_TABLE_NAME } from './test-environment';

/** A valid order body: two lines, total 2 × 1999 + 1 × 500 = 4498 minor units. */
export function orderDraft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    items: [
      { sku: 'SKU-1', quantity: 2, unitPrice: 1_999 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 500 },
    ],
    currency: 'EUR',
    ...overrides,
  };
}

/** A fresh idempotency key, unique per call. */
export function newIdempotencyKey(): string {
  return `key-${randomUUID()}`;
}

/** The app as the orders tests drive it, plus the names of the DynamoDB commands the orders module sent. */
export function createOrdersTestApp(): {
  app: Express;
  deps: Dependencies;
  orderCommands: string[];
  client: DynamoDBDocumentClient;
} {
  const { deps } = createUsersTestApp();
  const orderCommands: string[] = [];
  // Only the orders repository's client is watched: authentication reads the caller through the users one.
  const watched = new Proxy(deps.documentClient, {
    get(target, property, receiver) {
      if (property === 'send') {
        return (command: object, ...rest: unknown[]) => {
          orderCommands.push(command.constructor.name);
          return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const orders = new OrderService({
    repository: new DynamoDbOrderRepository(watched, TEST_TABLE_NAME),
    cursors: new PaginationCursorCodec({ secret: TEST_JWT_SECRET, ttlSeconds: 3_600 }),
  });
  const withWatchedOrders: Dependencies = { ...deps, orders };
  return { app: createApp(withWatchedOrders), deps: withWatchedOrders, orderCommands, client: deps.documentClient };
}

/** `POST /orders` as `userId`, with a fresh key unless one is given. */
export async function placeOrder(
  app: Express,
  userId: string,
  body: unknown = orderDraft(),
  key: string = newIdempotencyKey(),
): Promise<request.Response> {
  return request(app)
    .post('/orders')
    .set(await bearer(userId))
    .set('Idempotency-Key', key)
    .send(body as object);
}

/** Places an order and returns it (failing the test when that did not work). */
export async function seedOrder(
  app: Express,
  userId: string,
  body: unknown = orderDraft(),
): Promise<{ id: string; [field: string]: unknown }> {
  const response = await placeOrder(app, userId, body);
  if (response.status !== 201)
    throw new Error(`seeding an order failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string };
}

/** The raw order item in the table (to assert that a refused request changed nothing). */
export async function rawOrderItem(
  client: DynamoDBDocumentClient,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  return (await client.send(new GetCommand({ TableName: TEST_TABLE_NAME, Key: orderKey(id), ConsistentRead: true })))
    .Item;
}

/** The raw idempotency record of a user's key. */
export async function rawIdempotencyRecord(
  client: DynamoDBDocumentClient,
  userId: string,
  key: string,
): Promise<Record<string, unknown> | undefined> {
  return (
    await client.send(
      new GetCommand({ TableName: TEST_TABLE_NAME, Key: idempotencyKey(userId, key), ConsistentRead: true }),
    )
  ).Item;
}

/** Every order of `userId`, as the owner lists them (all pages). */
export async function listAllOrders(
  app: Express,
  userId: string,
  query = '',
): Promise<{ id: string; status: string }[]> {
  const auth = await bearer(userId);
  const all: { id: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: request.Response = await request(app)
      .get(`/orders?limit=100${query}${cursor === null ? '' : `&cursor=${cursor}`}`)
      .set(auth);
    if (page.status !== 200) throw new Error(`listing failed: ${page.status} ${JSON.stringify(page.body)}`);
    const body = page.body as { items: { id: string; status: string }[]; nextCursor: string | null };
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return all;
}
