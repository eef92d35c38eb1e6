import { ORDER_STATUSES } from '../../src/domain/order';
import {
  FINAL_ORDER_STATUSES,
  mayTake,
  nextStatus,
  ORDER_ACTIONS,
  type OrderAction,
} from '../../src/domain/order-state';
import type { Actor } from '../../src/domain/user';

const ACTIONS = Object.keys(ORDER_ACTIONS) as OrderAction[];

describe('the order state machine', () => {
  it('has exactly the edges pending→paid, paid→shipped and pending→cancelled', () => {
    // Act
    const edges = ORDER_STATUSES.flatMap((from) =>
      ACTIONS.flatMap((action) => {
        const to = nextStatus(from, action);
        return to === undefined ? [] : [`${from} -${action}-> ${to}`];
      }),
    );

    // Assert
    expect(edges.sort()).toEqual(['paid -ship-> shipped', 'pending -cancel-> cancelled', 'pending -pay-> paid']);
  });

  it.each(FINAL_ORDER_STATUSES)('leaves no way out of %s', (status) => {
    expect(ACTIONS.map((action) => nextStatus(status, action))).toEqual([undefined, undefined, undefined]);
  });

  it('cannot cancel a paid order (a refund would be its own flow)', () => {
    expect(nextStatus('paid', 'cancel')).toBeUndefined();
  });
});

describe('who may take an action', () => {
  const owner: Actor = { userId: 'owner', role: 'user' };
  const stranger: Actor = { userId: 'stranger', role: 'user' };
  const admin: Actor = { userId: 'admin', role: 'admin' };
  const order = { userId: 'owner' };

  it.each([
    ['cancel', owner, true],
    ['cancel', admin, true],
    ['cancel', stranger, false],
    ['pay', owner, true],
    ['pay', admin, false],
    ['pay', stranger, false],
    ['ship', owner, false],
    ['ship', admin, true],
    ['ship', stranger, false],
  ] as const)('%s by %o: %p', (action, actor, allowed) => {
    expect(mayTake(actor, action, order)).toBe(allowed);
  });

  it('lets an admin pay for their own order: they are its owner', () => {
    expect(mayTake(admin, 'pay', { userId: 'admin' })).toBe(true);
  });
});
