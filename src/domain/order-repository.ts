import type { Order, OrderStatus, StoredOrder } from './order';
import type { ListPosition } from './pagination-cursor';

/** A claim on an idempotency key, as the first request with it stores it (in progress). */
export interface IdempotencyClaim {
  /** Keys are scoped per user: the same key from two users is two claims. */
  readonly userId: string;
  readonly key: string;
  readonly payloadHash: string;
  /** The id the order will get: ties the completion to this claim and no other. */
  readonly orderId: string;
  /** Epoch milliseconds after which an unfinished claim no longer holds the key. */
  readonly inProgressExpiresAtMs: number;
  /** Epoch seconds after which the record is gone (DynamoDB TTL). */
  readonly expiresAtSeconds: number;
}

/** A live idempotency record someone else holds. */
export type IdempotencyRecord =
  | { readonly status: 'in-progress'; readonly payloadHash: string; readonly inProgressExpiresAtMs: number }
  | { readonly status: 'completed'; readonly payloadHash: string; readonly response: Order };

export type ClaimOutcome =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly existing: IdempotencyRecord };

export interface OrderPage {
  /** Newest first. */
  readonly orders: readonly StoredOrder[];
  /** Where the next page starts, or `undefined` when this was the last one. */
  readonly next: ListPosition | undefined;
}

/** What a conditional transition found: applied, or the order as it is now (`undefined`: it is gone). */
export type TransitionOutcome =
  | { readonly applied: true; readonly order: StoredOrder }
  | { readonly applied: false; readonly current: StoredOrder | undefined };

/**
 * Order storage: a port the domain owns and `src/data/` implements. Every write is conditional, so a failed
 * or repeated call leaves the data as it was.
 */
export interface OrderRepository {
  /**
   * Stores `claim` unless a live record (not expired, and not an in-progress one past its in-progress
   * expiry) holds the key; then resolves that record instead. `nowMs` decides what is live.
   */
  claimIdempotencyKey(claim: IdempotencyClaim, nowMs: number): Promise<ClaimOutcome>;
  /**
   * In one transaction: stores `order` (on the condition that its id is new) and completes `claim` with the
   * order as its stored response (on the condition that the claim is still this request's). Throws
   * `IdempotencyKeyInProgressError` when the claim was lost (it expired and another request took the key).
   */
  createCompletingClaim(order: StoredOrder, claim: IdempotencyClaim): Promise<void>;
  /** Removes `claim` if it is still this request's and in progress (after a failure, so a retry can run). */
  releaseClaim(claim: IdempotencyClaim): Promise<void>;
  /** A consistent read. */
  findById(id: string): Promise<StoredOrder | undefined>;
  /**
   * A page of one owner's orders, newest first, optionally only those in `status`. Throws
   * `InvalidListPositionError` for a position it did not hand out for this owner and status.
   */
  listByOwner(
    ownerId: string,
    status: OrderStatus | undefined,
    limit: number,
    after: ListPosition | undefined,
  ): Promise<OrderPage>;
  /** Sets `to` if the order is still in `current.status` at `current.version` (one conditional write). */
  transition(current: StoredOrder, to: OrderStatus, updatedAt: string): Promise<TransitionOutcome>;
}
