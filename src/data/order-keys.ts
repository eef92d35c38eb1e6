import type { OrderStatus } from '../domain/order';

/**
 * Keys of the order and idempotency items in the single table (see `table-definition.ts` and the data model
 * in docs/data-model.md). Kept apart from the repository so tests can look at the raw items.
 *
 * - Order: `ORDER#<id>` / `ORDER`, so an id alone finds it (the owner, or an admin, is checked on the item).
 * - GSI1 (`ORDERS#<userId>` / `<createdAt>#<id>`): one owner's orders, newest first.
 * - GSI2 (`ORDERS#<userId>#<status>` / `<createdAt>#<id>`): one owner's orders in one status, newest first.
 *   The status is part of the key, so a filtered page is a plain Query: full pages, no FilterExpression.
 *   A transition rewrites `GSI2PK`, which moves the order between the status partitions.
 * - Idempotency record: `IDEMPOTENCY#<userId>#<key>` / `IDEMPOTENCY`: the user in the key scopes the key.
 */
export const ORDER_SORT_KEY = 'ORDER';
const IDEMPOTENCY_SORT_KEY = 'IDEMPOTENCY';

export function orderKey(id: string): { PK: string; SK: string } {
  return { PK: `ORDER#${id}`, SK: ORDER_SORT_KEY };
}

export function ownerOrdersKey(userId: string, createdAt: string, id: string): { GSI1PK: string; GSI1SK: string } {
  return { GSI1PK: ownerOrdersPartition(userId), GSI1SK: `${createdAt}#${id}` };
}

export function ownerStatusOrdersKey(
  userId: string,
  status: OrderStatus,
  createdAt: string,
  id: string,
): { GSI2PK: string; GSI2SK: string } {
  return { GSI2PK: ownerStatusOrdersPartition(userId, status), GSI2SK: `${createdAt}#${id}` };
}

export function ownerOrdersPartition(userId: string): string {
  return `ORDERS#${userId}`;
}

export function ownerStatusOrdersPartition(userId: string, status: OrderStatus): string {
  return `ORDERS#${userId}#${status}`;
}

/** User ids are UUIDs (no `#`), so `<userId>#<key>` is unambiguous whatever visible characters the key holds. */
export function idempotencyKey(userId: string, key: string): { PK: string; SK: string } {
  return { PK: `IDEMPOTENCY#${userId}#${key}`, SK: IDEMPOTENCY_SORT_KEY };
}
