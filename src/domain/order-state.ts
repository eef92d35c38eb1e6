import type { Actor } from './user';
import type { OrderStatus, StoredOrder } from './order';

/**
 * The order state machine: `pending → paid → shipped` and `pending → cancelled`. Each action names the one
 * status it starts from, the status it leads to, and who may take it. Nothing else ever changes a status.
 */
export const ORDER_ACTIONS = {
  /** The owner, or an admin (customer service). */
  cancel: { from: 'pending', to: 'cancelled', allowed: 'owner-or-admin' },
  /** The owner only: paying is the customer's act (the payment itself is simulated). */
  pay: { from: 'pending', to: 'paid', allowed: 'owner' },
  /** Admins only: fulfilment is not the customer's to declare. */
  ship: { from: 'paid', to: 'shipped', allowed: 'admin' },
} as const satisfies Record<
  string,
  { from: OrderStatus; to: OrderStatus; allowed: 'owner' | 'admin' | 'owner-or-admin' }
>;

export type OrderAction = keyof typeof ORDER_ACTIONS;

/** Statuses no action leaves. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['shipped', 'cancelled'];

/** The status `action` leads to from `current`, or `undefined` when the machine has no such edge. */
export function nextStatus(current: OrderStatus, action: OrderAction): OrderStatus | undefined {
  const edge = ORDER_ACTIONS[action];
  return edge.from === current ? edge.to : undefined;
}

/** Who may take `action` on `order`: the rule of {@link ORDER_ACTIONS}, for an actor who can see the order. */
export function mayTake(actor: Actor, action: OrderAction, order: Pick<StoredOrder, 'userId'>): boolean {
  const isOwner = order.userId === actor.userId;
  const isAdmin = actor.role === 'admin';
  switch (ORDER_ACTIONS[action].allowed) {
    case 'owner':
      return isOwner;
    case 'admin':
      return isAdmin;
    case 'owner-or-admin':
      return isOwner || isAdmin;
  }
}
