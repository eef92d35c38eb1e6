import { Router, type RequestHandler, type Response } from 'express';
import { jsonBody, methodNotAllowed, validate, validatedData } from '@lambdalith/middleware';
import type { OrderStatus } from '../domain/order';
import type { OrderAction } from '../domain/order-state';
import type { Actor } from '../domain/user';
import { ORDER_PAGE_DEFAULT_SIZE, type OrderService, type VersionedOrder } from '../domain/order-service';
import { callerOf } from './caller';
import { entityTag } from './entity-tag';
import { idempotencyKeyOf, listOrdersRules, orderIdRules } from './order-validators';

export interface OrdersRoutesDependencies {
  readonly orders: OrderService;
  /** `authenticateCaller()`: verifies the token and loads the caller from the store. */
  readonly requireUser: RequestHandler;
}

/**
 * The response header that marks a replayed `POST /orders` response. Neither the IETF draft nor Powertools
 * defines one (Powertools returns the stored response as it is); this is Stripe's name, the one clients know.
 */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * `POST /orders` (with `Idempotency-Key`), `GET /orders`, `GET /orders/{id}` and the transitions
 * `POST /orders/{id}/cancel|pay|ship`. Who may do what, and the state machine, are the service's.
 */
export function ordersRoutes({ orders, requireUser }: OrdersRoutesDependencies): Router {
  const router = Router();

  router
    .route('/orders')
    .post(requireUser, jsonBody(), async (req, res) => {
      // The body goes to the domain's strict reader as parsed: it is the validation (see order-validators.ts).
      const key = idempotencyKeyOf(req.get('Idempotency-Key'));
      const placed = await orders.placeOrder(callerOf(req), key, req.body as unknown);
      res.status(201).location(`/orders/${placed.order.id}`);
      if (placed.replayed) {
        // The stored body is the order as it was created; an ETag now could name a version it no longer has,
        // and a conditional request built on it would be wrong. GET /orders/{id} gives the current one.
        res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true').json(placed.order);
      } else {
        sendOrder(res, placed);
      }
    })
    .get(requireUser, validate(...listOrdersRules), async (req, res) => {
      const query = validatedData<{ limit?: number; cursor?: string; status?: OrderStatus; userId?: string }>(req);
      const page = await orders.listOrders(callerOf(req), {
        limit: query.limit ?? ORDER_PAGE_DEFAULT_SIZE,
        cursor: query.cursor,
        status: query.status,
        userId: query.userId,
      });
      res.json({ items: page.orders, nextCursor: page.nextCursor });
    })
    .all(methodNotAllowed());

  router
    .route('/orders/:id')
    .get(requireUser, validate(...orderIdRules), async (req, res) => {
      const { id } = validatedData<{ id: string }>(req);
      sendOrder(res, await orders.getOrder(callerOf(req), id));
    })
    .all(methodNotAllowed());

  const transitions: Readonly<Record<OrderAction, (actor: Actor, id: string) => Promise<VersionedOrder>>> = {
    cancel: (actor, id) => orders.cancelOrder(actor, id),
    pay: (actor, id) => orders.payOrder(actor, id),
    ship: (actor, id) => orders.shipOrder(actor, id),
  };
  for (const [action, take] of Object.entries(transitions)) {
    router
      .route(`/orders/:id/${action}`)
      .post(requireUser, validate(...orderIdRules), async (req, res) => {
        const { id } = validatedData<{ id: string }>(req);
        sendOrder(res, await take(callerOf(req), id));
      })
      .all(methodNotAllowed());
  }

  return router;
}

/** The `order` of the API contract, with its version as a strong `ETag`. */
function sendOrder(res: Response, { order, version }: VersionedOrder): void {
  res.setHeader('ETag', entityTag(version)).json(order);
}
