import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { InvalidListPositionError } from '../domain/errors';
import { ORDER_STATUSES, type Order, type OrderItem, type OrderStatus, type StoredOrder } from '../domain/order';
import { IdempotencyKeyInProgressError } from '../domain/order-errors';
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyRecord,
  OrderPage,
  OrderRepository,
  TransitionOutcome,
} from '../domain/order-repository';
import type { ListPosition } from '../domain/pagination-cursor';
import { describeCancellation, failedCondition, isConditionFailure, isTransactionConflict } from './dynamodb-errors';
import {
  idempotencyKey,
  orderKey,
  ORDER_SORT_KEY,
  ownerOrdersKey,
  ownerOrdersPartition,
  ownerStatusOrdersKey,
  ownerStatusOrdersPartition,
} from './order-keys';
import { backOffAfterConflict, retryTransaction, type RetryTiming } from './transaction-retry';

const IN_PROGRESS = 'IN_PROGRESS';
const COMPLETED = 'COMPLETED';

/**
 * {@link OrderRepository} on the single table (keys in `order-keys.ts`): the order item, found by id; GSI1 and
 * GSI2 for one owner's orders, all or by status; and one idempotency record per user and key.
 */
export class DynamoDbOrderRepository implements OrderRepository {
  /** `retryTiming` replaces the waits between retries after a conflict (tests record them). */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retryTiming: RetryTiming = {},
  ) {}

  async claimIdempotencyKey(claim: IdempotencyClaim, nowMs: number): Promise<ClaimOutcome> {
    const key = idempotencyKey(claim.userId, claim.key);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              type: 'IDEMPOTENCY',
              userId: claim.userId,
              status: IN_PROGRESS,
              payloadHash: claim.payloadHash,
              orderId: claim.orderId,
              inProgressExpiresAt: claim.inProgressExpiresAtMs,
              expiresAt: claim.expiresAtSeconds,
            },
            // Free: never claimed; expired (TTL deletes lazily, up to days late, so expiry is checked, not
            // assumed); or in progress past its in-progress expiry (the request holding it crashed).
            ConditionExpression:
              'attribute_not_exists(PK) OR expiresAt <= :nowSeconds OR (#status = :inProgress AND inProgressExpiresAt <= :nowMs)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':nowSeconds': Math.floor(nowMs / 1_000),
              ':nowMs': nowMs,
              ':inProgress': IN_PROGRESS,
            },
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (isTransactionConflict(error)) {
          // The record is being completed right now: wait for that transaction, then look again.
          await backOffAfterConflict(attempt, error, this.retryTiming);
          continue;
        }
        if (!isConditionFailure(error)) throw error;
      }
      const existing = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const record = existing.Item === undefined ? undefined : liveIdempotencyRecord(existing.Item, nowMs);
      if (record !== undefined) return { claimed: false, existing: record };
      // It expired or was released between the write and the read: claim again.
      await backOffAfterConflict(
        attempt,
        new Error('the idempotency record kept changing under the claim'),
        this.retryTiming,
      );
    }
  }

  async createCompletingClaim(order: StoredOrder, claim: IdempotencyClaim): Promise<void> {
    const reasons = await retryTransaction(
      this.client,
      new TransactWriteCommand({
        // The same token on an SDK retry after a lost response makes DynamoDB treat it as the same transaction.
        ClientRequestToken: order.id,
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: toOrderItem(order),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: idempotencyKey(claim.userId, claim.key),
              UpdateExpression: 'SET #status = :completed, #response = :response REMOVE inProgressExpiresAt',
              ConditionExpression: '#status = :inProgress AND orderId = :orderId',
              ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
              ExpressionAttributeValues: {
                ':completed': COMPLETED,
                ':inProgress': IN_PROGRESS,
                ':orderId': order.id,
                ':response': toResponseAttribute(order),
              },
            },
          },
        ],
      }),
      this.retryTiming,
    );
    if (reasons === undefined) return;
    // The claim expired and another request took the key: that one will answer it.
    if (failedCondition(reasons[1])) throw new IdempotencyKeyInProgressError(1);
    throw new Error(`creating order ${order.id} was cancelled: ${describeCancellation(reasons)}`);
  }

  async releaseClaim(claim: IdempotencyClaim): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: idempotencyKey(claim.userId, claim.key),
          ConditionExpression: '#status = :inProgress AND orderId = :orderId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': IN_PROGRESS, ':orderId': claim.orderId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async findById(id: string): Promise<StoredOrder | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: orderKey(id), ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromOrderItem(result.Item);
  }

  async listByOwner(
    ownerId: string,
    status: OrderStatus | undefined,
    limit: number,
    after: ListPosition | undefined,
  ): Promise<OrderPage> {
    const index = listingIndex(ownerId, status);
    const isPosition = (position: Readonly<Record<string, unknown>>): position is ListPosition =>
      isListingPosition(position, index.pk, index.sk, index.partition);
    if (after !== undefined && !isPosition(after)) throw new InvalidListPositionError();
    // One more than asked tells whether another page exists, so the last page says so (no empty last page).
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': index.pk },
        ExpressionAttributeValues: { ':partition': index.partition },
        ScanIndexForward: false,
        Limit: limit + 1,
        ...(after === undefined ? {} : { ExclusiveStartKey: { ...after } }),
      }),
    );
    const items = result.Items ?? [];
    const orders = items.slice(0, limit).map(fromOrderItem);
    const last = items.slice(0, limit).at(-1);
    if (items.length > limit && last !== undefined) {
      const position = { PK: last['PK'], SK: last['SK'], [index.pk]: last[index.pk], [index.sk]: last[index.sk] };
      return { orders, next: isPosition(position) ? position : undefined };
    }
    // Fewer items than asked but a LastEvaluatedKey: DynamoDB stopped at its 1 MB page size.
    const next = result.LastEvaluatedKey;
    return { orders, next: next !== undefined && isPosition(next) ? next : undefined };
  }

  async transition(current: StoredOrder, to: OrderStatus, updatedAt: string): Promise<TransitionOutcome> {
    const next: StoredOrder = { ...current, status: to, updatedAt, version: current.version + 1 };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(current.id),
          UpdateExpression:
            'SET #status = :to, #version = :nextVersion, updatedAt = :updatedAt, GSI2PK = :statusPartition',
          // The status and the version just read: a concurrent transition that got there first makes this fail.
          ConditionExpression: '#status = :from AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': current.status,
            ':version': current.version,
            ':nextVersion': next.version,
            ':updatedAt': updatedAt,
            ':statusPartition': ownerStatusOrdersPartition(current.userId, to),
          },
        }),
      );
      return { applied: true, order: next };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { applied: false, current: await this.findById(current.id) };
    }
  }
}

/** The index and partition of one owner's orders: GSI1 for all of them, GSI2 for those in one status. */
function listingIndex(
  ownerId: string,
  status: OrderStatus | undefined,
): { name: string; pk: string; sk: string; partition: string } {
  return status === undefined
    ? { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK', partition: ownerOrdersPartition(ownerId) }
    : { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK', partition: ownerStatusOrdersPartition(ownerId, status) };
}

function toOrderItem(order: StoredOrder): Record<string, unknown> {
  return {
    ...orderKey(order.id),
    ...ownerOrdersKey(order.userId, order.createdAt, order.id),
    ...ownerStatusOrdersKey(order.userId, order.status, order.createdAt, order.id),
    type: 'ORDER',
    ...toResponseAttribute(order),
    version: order.version,
  };
}

/** The order's public fields: the order item's attributes, and an idempotency record's stored response. */
function toResponseAttribute(order: Order): Record<string, unknown> {
  return {
    id: order.id,
    userId: order.userId,
    items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice })),
    currency: order.currency,
    total: order.total,
    status: order.status,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

// Read back field by field (never spread), so storage attributes never leak into the domain, and a malformed
// item fails loudly here rather than as a confusing response later.
function fromOrderFields(item: Record<string, unknown>): Order {
  const { id, userId, items, currency, total, status, createdAt, updatedAt } = item;
  if (
    typeof id !== 'string' ||
    typeof userId !== 'string' ||
    !Array.isArray(items) ||
    !items.every(isOrderItem) ||
    typeof currency !== 'string' ||
    typeof total !== 'number' ||
    !isOrderStatus(status) ||
    typeof createdAt !== 'string' ||
    typeof updatedAt !== 'string'
  ) {
    throw new Error(`malformed order attributes in item ${String(item['PK'])}`);
  }
  return {
    id,
    userId,
    items: items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    currency,
    total,
    status,
    createdAt,
    updatedAt,
  };
}

function fromOrderItem(item: Record<string, unknown>): StoredOrder {
  const { version } = item;
  if (typeof version !== 'number') throw new Error(`malformed order item ${String(item['PK'])}`);
  return { ...fromOrderFields(item), version };
}

/** The record as the domain sees it, or `undefined` when it no longer holds its key at `nowMs`. */
function liveIdempotencyRecord(item: Record<string, unknown>, nowMs: number): IdempotencyRecord | undefined {
  const { status, payloadHash, expiresAt, inProgressExpiresAt, response } = item;
  if (typeof payloadHash !== 'string' || typeof expiresAt !== 'number')
    throw new Error(`malformed idempotency record ${String(item['PK'])}`);
  if (expiresAt <= Math.floor(nowMs / 1_000)) return undefined;
  if (status === IN_PROGRESS && typeof inProgressExpiresAt === 'number') {
    return inProgressExpiresAt <= nowMs
      ? undefined
      : { status: 'in-progress', payloadHash, inProgressExpiresAtMs: inProgressExpiresAt };
  }
  if (status === COMPLETED && typeof response === 'object' && response !== null) {
    return { status: 'completed', payloadHash, response: fromOrderFields(response as Record<string, unknown>) };
  }
  throw new Error(`malformed idempotency record ${String(item['PK'])}`);
}

function isOrderItem(value: unknown): value is OrderItem {
  if (typeof value !== 'object' || value === null) return false;
  const { sku, quantity, unitPrice } = value as Record<string, unknown>;
  return typeof sku === 'string' && typeof quantity === 'number' && typeof unitPrice === 'number';
}

function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/** A position this listing handed out: the order's table key and this index's key, in this partition. */
function isListingPosition(
  position: Readonly<Record<string, unknown>>,
  pk: string,
  sk: string,
  partition: string,
): position is ListPosition {
  const keys = Object.keys(position).sort();
  if (keys.join(',') !== [pk, sk, 'PK', 'SK'].sort().join(',')) return false;
  const { PK, SK } = position;
  const indexSortKey = position[sk];
  return (
    typeof PK === 'string' &&
    PK.startsWith('ORDER#') &&
    SK === ORDER_SORT_KEY &&
    position[pk] === partition &&
    typeof indexSortKey === 'string' &&
    indexSortKey.endsWith(`#${PK.slice('ORDER#'.length)}`)
  );
}
