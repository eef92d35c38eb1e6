import { ValidationError, type FieldViolation } from './errors';

/**
 * Orders: what a client may send (an {@link OrderDraft}), what the server makes of it (an {@link Order}),
 * and the rules for both. Every amount is an integer in the currency's minor units (cents), so no total is
 * ever a rounded float.
 */

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  /** Minor units of the order's currency. */
  readonly unitPrice: number;
}

/** What a client asks for. Everything else (id, owner, status, total, timestamps) is the server's. */
export interface OrderDraft {
  readonly items: readonly OrderItem[];
  readonly currency: string;
}

/** An order as the API shows it. */
export interface Order extends OrderDraft {
  readonly id: string;
  readonly userId: string;
  /** Σ quantity × unitPrice, in minor units, computed by the server. */
  readonly total: number;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An order as it is stored: the public fields plus the version every state change is conditional on. */
export interface StoredOrder extends Order {
  /** 1 when placed, incremented by every transition; the source of the `ETag`. */
  readonly version: number;
}

export const ORDER_ITEMS_MIN = 1;
export const ORDER_ITEMS_MAX = 50;
export const QUANTITY_MIN = 1;
export const QUANTITY_MAX = 1_000;
export const UNIT_PRICE_MIN = 0;
export const UNIT_PRICE_MAX = 1_000_000_000;
export const SKU_PATTERN = /^[A-Z0-9-]{1,32}$/;
/** ISO 4217 alphabetic codes: three uppercase letters. (Which codes exist changes; the shape does not.) */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** The fields only the server sets; a client sending one gets a 400 rather than having it silently dropped. */
export const SERVER_OWNED_ORDER_FIELDS = [
  'id',
  'userId',
  'status',
  'total',
  'createdAt',
  'updatedAt',
  'version',
] as const;

// The largest total the limits allow is 50 × 1000 × 10^9 = 5 × 10^13, far below Number.MAX_SAFE_INTEGER
// (≈ 9.007 × 10^15): integer arithmetic on JS numbers stays exact. orderTotal() still checks, so that raising a
// limit one day cannot silently produce a rounded total.
export const LARGEST_ORDER_TOTAL = ORDER_ITEMS_MAX * QUANTITY_MAX * UNIT_PRICE_MAX;

/** The total of `items` in minor units. Throws a `RangeError` if it would not be an exact integer. */
export function orderTotal(items: readonly OrderItem[]): number {
  let total = 0;
  for (const item of items) total += item.quantity * item.unitPrice;
  if (!Number.isSafeInteger(total)) throw new RangeError(`order total ${total} is not a safe integer`);
  return total;
}

/** The public view of a stored order: the contract's fields, listed (so storage fields never leak). */
export function publicOrder(order: Order): Order {
  const { id, userId, items, currency, total, status, createdAt, updatedAt } = order;
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

/**
 * Reads an order draft from untrusted input (a parsed JSON body), strictly: every field must be exactly its
 * JSON type (a quantity of `"10"`, `1.5`, `-1`, `true`, `null` or `1e400`, which JSON.parse makes `Infinity`,
 * is refused, never coerced), unknown and server-owned fields are refused, and every violation is reported,
 * by path (`items[2].quantity`). Throws {@link ValidationError}; the result is a fresh object holding only the
 * known fields.
 */
export function readOrderDraft(input: unknown): OrderDraft {
  const violations: FieldViolation[] = [];
  const violate = (field: string, message: string): void => {
    violations.push({ field, message });
  };
  if (!isPlainObject(input)) throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);

  for (const field of Object.keys(input)) {
    if ((SERVER_OWNED_ORDER_FIELDS as readonly string[]).includes(field))
      violate(field, 'is set by the server and may not be sent');
    else if (field !== 'items' && field !== 'currency') violate(field, 'Unknown field');
  }

  const { currency } = input;
  if (typeof currency !== 'string') violate('currency', 'must be a string');
  else if (!CURRENCY_PATTERN.test(currency)) violate('currency', 'must be an ISO 4217 code: three uppercase letters');

  const items: OrderItem[] = [];
  const rawItems = input['items'];
  if (!Array.isArray(rawItems)) violate('items', 'must be an array');
  else if (rawItems.length < ORDER_ITEMS_MIN || rawItems.length > ORDER_ITEMS_MAX) {
    violate('items', `must hold ${ORDER_ITEMS_MIN} to ${ORDER_ITEMS_MAX} items`);
  } else {
    rawItems.forEach((rawItem: unknown, index) => {
      const path = `items[${index}]`;
      if (!isPlainObject(rawItem)) {
        violate(path, 'must be an object');
        return;
      }
      for (const field of Object.keys(rawItem)) {
        if (field !== 'sku' && field !== 'quantity' && field !== 'unitPrice')
          violate(`${path}.${field}`, 'Unknown field');
      }
      const { sku, quantity, unitPrice } = rawItem;
      let valid = true;
      if (typeof sku !== 'string' || !SKU_PATTERN.test(sku)) {
        violate(`${path}.sku`, typeof sku === 'string' ? 'must be 1 to 32 of A-Z, 0-9 and -' : 'must be a string');
        valid = false;
      }
      const quantityProblem = integerViolation(quantity, QUANTITY_MIN, QUANTITY_MAX);
      if (quantityProblem !== undefined) {
        violate(`${path}.quantity`, quantityProblem);
        valid = false;
      }
      const priceProblem = integerViolation(unitPrice, UNIT_PRICE_MIN, UNIT_PRICE_MAX);
      if (priceProblem !== undefined) {
        violate(`${path}.unitPrice`, `${priceProblem} (minor units)`);
        valid = false;
      }
      if (valid) items.push({ sku: sku as string, quantity: quantity as number, unitPrice: unitPrice as number });
    });
  }

  if (violations.length > 0) throw new ValidationError(violations);
  return { items, currency: currency as string };
}

function integerViolation(value: unknown, min: number, max: number): string | undefined {
  // typeof first: "10" is a string, true a boolean, null an object; none of them is a number here.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    return `must be an integer from ${min} to ${max}`;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
