import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_RECORD_TTL_SECONDS } from '../domain/idempotency';
import {
  CURRENCY_PATTERN,
  ORDER_ITEMS_MAX,
  ORDER_ITEMS_MIN,
  ORDER_STATUSES,
  QUANTITY_MAX,
  QUANTITY_MIN,
  SKU_PATTERN,
  UNIT_PRICE_MAX,
  UNIT_PRICE_MIN,
} from '../domain/order';
import { ORDER_PAGE_DEFAULT_SIZE, ORDER_PAGE_MAX_SIZE } from '../domain/order-service';
import { MAX_CURSOR_LENGTH } from '../domain/pagination-cursor';

/**
 * The orders part of the OpenAPI document (`openapi-document.ts` merges it in): paths, schemas and the
 * problem responses only orders have. The limits come from the domain, so the document cannot drift from them.
 */

type Schema = Readonly<Record<string, unknown>>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string): Schema => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });
const problem = (description: string, headers: Record<string, unknown> = {}): Schema => ({
  description,
  headers,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const bearer = [{ bearerAuth: [] }];
const tags = ['Orders'];
const etag = { ETag: { description: 'Strong entity tag of this version of the order.', schema: { type: 'string' } } };

const orderIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The order id (a UUID).',
  schema: { type: 'string', format: 'uuid' },
};

const DAY_HOURS = IDEMPOTENCY_RECORD_TTL_SECONDS / 3_600;

const transition = (action: string, summary: string, description: string, extra: Record<string, unknown>): Schema => ({
  tags,
  summary,
  description,
  operationId: `${action}Order`,
  security: bearer,
  parameters: [orderIdParameter],
  responses: {
    '200': { description: 'The order in its new status', headers: etag, content: json(ref('Order')) },
    '400': response('ValidationFailed'),
    '401': response('Unauthorized'),
    ...extra,
    '404': response('OrderNotFound'),
    '409': response('OrderStatusConflict'),
  },
});

export const orderPaths: Record<string, Record<string, Schema>> = {
  '/orders': {
    post: {
      tags,
      summary: 'Place an order (exactly once per Idempotency-Key)',
      description:
        'The server sets `id`, `userId`, `status` (`pending`) and `total` (Σ quantity × unitPrice, in integer minor units ' +
        'of `currency`); a body that sends any of them is a 400, as is any value of the wrong JSON type (`"10"`, `1.5`, ' +
        '`-1`, `1e400`). `Idempotency-Key` is required (IETF idempotency-key draft): keys are scoped to the caller and ' +
        `kept for ${DAY_HOURS} hours. A retry with the same key and payload gets the first response again (same status, ` +
        'body and `Location`, marked `Idempotent-Replayed: true`) and places no second order; the same key with another ' +
        'payload is a 422; while the first request is still running, a 409 with `Retry-After`.',
      operationId: 'placeOrder',
      security: bearer,
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            `1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters (a UUID is a good key), bare or as a Structured Field ` +
            'string (`"…"`), as the draft writes it.',
          schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH + 2 },
        },
      ],
      requestBody: { required: true, content: json(ref('NewOrderRequest')) },
      responses: {
        '201': {
          description: 'Placed (or, with `Idempotent-Replayed: true`, the response of the first request with this key)',
          headers: {
            ETag: {
              description:
                'Strong entity tag of the new order; absent on a replay (the stored body may be older than the order).',
              schema: { type: 'string' },
            },
            Location: { description: 'The new order, `/orders/{id}`.', schema: { type: 'string' } },
            'Idempotent-Replayed': {
              description:
                '`true` when this is the stored response of an earlier request with the same key; absent otherwise.',
              schema: { const: 'true' },
            },
          },
          content: json(ref('Order')),
        },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '409': response('IdempotencyKeyInProgress'),
        '413': response('PayloadTooLarge'),
        '415': response('UnsupportedMediaType'),
        '422': response('IdempotencyKeyReused'),
      },
    },
    get: {
      tags,
      summary: "List one owner's orders, newest first",
      description:
        "The caller's own orders; an admin may pass `userId` to list another user's (never a mix of owners). With " +
        '`status`, only orders in that status, in full pages.',
      operationId: 'listOrders',
      security: bearer,
      parameters: [
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: ORDER_PAGE_MAX_SIZE, default: ORDER_PAGE_DEFAULT_SIZE },
        },
        {
          name: 'cursor',
          in: 'query',
          required: false,
          description:
            'The `nextCursor` of the previous page: opaque, valid for the same caller, `userId` and `status`, expires after an hour.',
          schema: { type: 'string', maxLength: MAX_CURSOR_LENGTH },
        },
        { name: 'status', in: 'query', required: false, schema: { enum: [...ORDER_STATUSES] } },
        {
          name: 'userId',
          in: 'query',
          required: false,
          description: "Admins only: whose orders to list. Default: the caller's.",
          schema: { type: 'string', format: 'uuid' },
        },
      ],
      responses: {
        '200': { description: 'A page of orders', content: json(ref('OrderPage')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '403': response('Forbidden'),
      },
    },
  },
  '/orders/{id}': {
    get: {
      tags,
      summary: 'An order (owner or admin)',
      description: "Anyone else's order id is a 404, exactly like an id that does not exist.",
      operationId: 'getOrder',
      security: bearer,
      parameters: [orderIdParameter],
      responses: {
        '200': { description: 'The order', headers: etag, content: json(ref('Order')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '404': response('OrderNotFound'),
      },
    },
  },
  '/orders/{id}/cancel': {
    post: transition(
      'cancel',
      'Cancel a pending order (owner or admin)',
      "Only a `pending` order can be cancelled. Anyone else's order is a 404.",
      {},
    ),
  },
  '/orders/{id}/pay': {
    post: transition(
      'pay',
      'Pay for a pending order (owner; the payment is simulated)',
      "Only the owner may pay (an admin gets 403 for another user's order); only a `pending` order can be paid. Anyone else's order is a 404.",
      { '403': response('Forbidden') },
    ),
  },
  '/orders/{id}/ship': {
    post: transition(
      'ship',
      'Ship a paid order (admin)',
      'Admins only: anyone else gets 403, whether or not the order exists. Only a `paid` order can be shipped.',
      { '403': response('Forbidden') },
    ),
  },
};

const orderItem = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'quantity', 'unitPrice'],
  properties: {
    sku: { type: 'string', pattern: SKU_PATTERN.source },
    quantity: { type: 'integer', minimum: QUANTITY_MIN, maximum: QUANTITY_MAX },
    unitPrice: {
      type: 'integer',
      minimum: UNIT_PRICE_MIN,
      maximum: UNIT_PRICE_MAX,
      description: 'Integer minor units of `currency` (cents).',
    },
  },
};

export const orderSchemas: Record<string, Schema> = {
  OrderItem: orderItem,
  NewOrderRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'currency'],
    properties: {
      items: { type: 'array', minItems: ORDER_ITEMS_MIN, maxItems: ORDER_ITEMS_MAX, items: ref('OrderItem') },
      currency: { type: 'string', pattern: CURRENCY_PATTERN.source, description: 'ISO 4217 code, e.g. `EUR`.' },
    },
  },
  Order: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'userId', 'items', 'currency', 'total', 'status', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      userId: { type: 'string', format: 'uuid', description: 'The owner.' },
      items: { type: 'array', minItems: ORDER_ITEMS_MIN, maxItems: ORDER_ITEMS_MAX, items: ref('OrderItem') },
      currency: { type: 'string', pattern: CURRENCY_PATTERN.source },
      total: {
        type: 'integer',
        minimum: 0,
        description: 'Σ quantity × unitPrice in integer minor units, computed by the server.',
      },
      status: { enum: [...ORDER_STATUSES], description: '`pending` → `paid` → `shipped`, or `pending` → `cancelled`.' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  OrderPage: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: ref('Order') },
      nextCursor: { type: ['string', 'null'], description: '`null` on the last page.' },
    },
  },
};

export const orderResponses: Record<string, Schema> = {
  OrderNotFound: problem('No such order, or not one the caller may see (`ORDER_NOT_FOUND`)'),
  OrderStatusConflict: problem('The order is not in the status this action starts from (`ORDER_STATUS_CONFLICT`)'),
  IdempotencyKeyInProgress: problem(
    'A request with this key is still being processed (`IDEMPOTENCY_KEY_IN_PROGRESS`)',
    {
      'Retry-After': { schema: { type: 'integer' } },
    },
  ),
  IdempotencyKeyReused: problem('This key was already used with a different payload (`IDEMPOTENCY_KEY_REUSED`)'),
};
