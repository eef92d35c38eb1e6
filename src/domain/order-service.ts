import { randomUUID } from 'node:crypto';
import { NotPermittedError, ValidationError, type FieldViolation } from './errors';
import {
  IDEMPOTENCY_IN_PROGRESS_SECONDS,
  IDEMPOTENCY_RECORD_TTL_SECONDS,
  idempotencyKeyViolation,
  payloadFingerprint,
} from './idempotency';
import {
  orderTotal,
  publicOrder,
  readOrderDraft,
  type Order,
  type OrderDraft,
  type OrderStatus,
  type StoredOrder,
} from './order';
import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyMismatchError,
  OrderNotFoundError,
  OrderStatusConflictError,
} from './order-errors';
import type { IdempotencyClaim, OrderRepository } from './order-repository';
import { mayTake, nextStatus, ORDER_ACTIONS, type OrderAction } from './order-state';
import type { PaginationCursorCodec } from './pagination-cursor';
import type { Actor } from './user';

/** Page sizes of the order listing. */
export const ORDER_PAGE_DEFAULT_SIZE = 20;
export const ORDER_PAGE_MAX_SIZE = 100;

/** An order as the API returns it, with the version its `ETag` is made from. */
export interface VersionedOrder {
  readonly order: Order;
  readonly version: number;
}

/**
 * The outcome of placing an order: the new order and its version, or the stored response of an earlier request
 * with the same key (`replayed`). A replay has no version: the stored response is the order as it was created,
 * and the order may have changed since, so nothing can vouch for a current entity tag.
 */
export type PlacedOrder =
  | (VersionedOrder & { readonly replayed: false })
  | { readonly order: Order; readonly replayed: true };

/** Which page of which owner's orders. */
export interface OrderListQuery {
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly status: OrderStatus | undefined;
  /** Whose orders (admins only); `undefined`: the actor's own. */
  readonly userId: string | undefined;
}

export interface OrderServiceOptions {
  readonly repository: OrderRepository;
  readonly cursors: PaginationCursorCodec;
  readonly now?: () => number;
  readonly newId?: () => string;
  /** How long an unfinished request holds its idempotency key. Default {@link IDEMPOTENCY_IN_PROGRESS_SECONDS}. */
  readonly inProgressSeconds?: number;
}

/**
 * The orders rules: placing an order exactly once per idempotency key, visibility (owner or admin; anyone
 * else gets "not found"), the state machine of `./order-state.ts`, and per-owner listings. Throws the errors of
 * `./order-errors.ts` and `./errors.ts`; knows nothing of HTTP or DynamoDB.
 */
export class OrderService {
  private readonly repository: OrderRepository;
  private readonly cursors: PaginationCursorCodec;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly inProgressSeconds: number;

  constructor(options: OrderServiceOptions) {
    this.repository = options.repository;
    this.cursors = options.cursors;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.inProgressSeconds = options.inProgressSeconds ?? IDEMPOTENCY_IN_PROGRESS_SECONDS;
  }

  /**
   * Places an order for the actor, once per idempotency key: the same key with the same payload returns the
   * stored order (`replayed`), with another payload throws {@link IdempotencyKeyMismatchError}, and while the
   * first request runs throws {@link IdempotencyKeyInProgressError}. The payload is validated first, so an
   * invalid request neither claims a key nor reaches the store.
   */
  async placeOrder(actor: Actor, idempotencyKey: string, input: unknown): Promise<PlacedOrder> {
    const draft = readDraftAndKey(idempotencyKey, input);
    const nowMs = this.now();
    const claim: IdempotencyClaim = {
      userId: actor.userId,
      key: idempotencyKey,
      payloadHash: payloadFingerprint(draft),
      orderId: this.newId(),
      inProgressExpiresAtMs: nowMs + this.inProgressSeconds * 1_000,
      expiresAtSeconds: Math.floor(nowMs / 1_000) + IDEMPOTENCY_RECORD_TTL_SECONDS,
    };

    const outcome = await this.repository.claimIdempotencyKey(claim, nowMs);
    if (!outcome.claimed) {
      const { existing } = outcome;
      // As Powertools does: the payload is checked before the status, so a mismatch is reported even in progress.
      if (existing.payloadHash !== claim.payloadHash) throw new IdempotencyKeyMismatchError();
      if (existing.status === 'in-progress') {
        const secondsLeft = Math.ceil((existing.inProgressExpiresAtMs - nowMs) / 1_000);
        throw new IdempotencyKeyInProgressError(Math.max(1, secondsLeft));
      }
      // The stored response is the order as it was created, whatever happened to it since (the IETF draft
      // replays the original response); its version then is not the order's now, so none is given.
      return { order: existing.response, replayed: true };
    }

    const createdAt = new Date(nowMs).toISOString();
    const order: StoredOrder = {
      id: claim.orderId,
      userId: actor.userId,
      items: draft.items,
      currency: draft.currency,
      total: orderTotal(draft.items),
      status: 'pending',
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
    try {
      await this.repository.createCompletingClaim(order, claim);
    } catch (error) {
      // Powertools' rule: a failed request releases its key, so the client's retry runs instead of waiting
      // out the in-progress expiry. (A lost claim is not ours to release; the condition makes that a no-op.)
      if (!(error instanceof IdempotencyKeyInProgressError))
        await this.repository.releaseClaim(claim).catch(() => undefined);
      throw error;
    }
    return { order: publicOrder(order), version: order.version, replayed: false };
  }

  /** The order, if the actor owns it or is an admin; {@link OrderNotFoundError} otherwise, whether or not it exists. */
  async getOrder(actor: Actor, id: string): Promise<VersionedOrder> {
    const order = await this.findVisible(actor, id);
    return { order: publicOrder(order), version: order.version };
  }

  /**
   * One owner's orders, newest first, optionally only those in `status`. The owner is the actor, or (admins
   * only) `userId`. Lists never mix owners. The cursor is bound to the caller, the owner and the filter.
   */
  async listOrders(actor: Actor, page: OrderListQuery): Promise<{ orders: Order[]; nextCursor: string | null }> {
    const ownerId = page.userId ?? actor.userId;
    if (ownerId !== actor.userId && actor.role !== 'admin') {
      throw new NotPermittedError("Only an admin may list another user's orders");
    }
    const binding = { listing: `orders/${ownerId}/${page.status ?? '*'}`, callerId: actor.userId };
    const after = page.cursor === undefined ? undefined : this.cursors.decode(page.cursor, binding);
    const result = await this.repository.listByOwner(ownerId, page.status, page.limit, after);
    return {
      orders: result.orders.map(publicOrder),
      nextCursor: result.next === undefined ? null : this.cursors.encode(result.next, binding),
    };
  }

  cancelOrder(actor: Actor, id: string): Promise<VersionedOrder> {
    return this.take(actor, id, 'cancel');
  }

  /** Payment is simulated: the transition is the whole of it. */
  payOrder(actor: Actor, id: string): Promise<VersionedOrder> {
    return this.take(actor, id, 'pay');
  }

  shipOrder(actor: Actor, id: string): Promise<VersionedOrder> {
    return this.take(actor, id, 'ship');
  }

  /**
   * One transition: who may act is checked before anything is read or written (a `user` shipping is
   * refused without learning whether the order exists); then visibility; then the state machine; then one
   * conditional write on the status and version just read. A concurrent transition that got there first
   * makes the write fail, and the loser is told the order's status now.
   */
  private async take(actor: Actor, id: string, action: OrderAction): Promise<VersionedOrder> {
    if (ORDER_ACTIONS[action].allowed === 'admin' && actor.role !== 'admin') {
      throw new NotPermittedError(`Only an admin may ${action} an order`);
    }
    const current = await this.findVisible(actor, id);
    if (!mayTake(actor, action, current)) throw new NotPermittedError(`Only the owner may ${action} an order`);
    const to = nextStatus(current.status, action);
    if (to === undefined) throw new OrderStatusConflictError(action, current.status, ORDER_ACTIONS[action].from);

    const outcome = await this.repository.transition(current, to, new Date(this.now()).toISOString());
    if (outcome.applied) return { order: publicOrder(outcome.order), version: outcome.order.version };
    if (outcome.current === undefined) throw new OrderNotFoundError();
    throw new OrderStatusConflictError(action, outcome.current.status, ORDER_ACTIONS[action].from);
  }

  private async findVisible(actor: Actor, id: string): Promise<StoredOrder> {
    const order = await this.repository.findById(id);
    // Someone else's order is "not found", exactly like a missing one: no existence oracle.
    if (order === undefined || (order.userId !== actor.userId && actor.role !== 'admin'))
      throw new OrderNotFoundError();
    return order;
  }
}

/** The draft, once the key and the payload are both valid; otherwise every violation of both, at once. */
function readDraftAndKey(idempotencyKey: string, input: unknown): OrderDraft {
  const violations: FieldViolation[] = [];
  if (idempotencyKey === '') violations.push({ field: 'Idempotency-Key', message: 'is required' });
  else {
    const keyProblem = idempotencyKeyViolation(idempotencyKey);
    if (keyProblem !== undefined) violations.push({ field: 'Idempotency-Key', message: keyProblem });
  }
  try {
    const draft = readOrderDraft(input);
    if (violations.length === 0) return draft;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    violations.push(...error.violations);
  }
  throw new ValidationError(violations);
}
