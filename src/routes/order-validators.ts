import { param, query, type ValidationChain } from '@lambdalith/middleware';
import { ORDER_STATUSES } from '../domain/order';
import { ORDER_PAGE_MAX_SIZE } from '../domain/order-service';
import { MAX_CURSOR_LENGTH } from '../domain/pagination-cursor';

/**
 * express-validator chains for the orders routes' path and query. The order body is read by the domain's
 * strict reader (`readOrderDraft`), which reports every violation by path (`items[2].quantity`) and refuses
 * values of the wrong JSON type instead of coercing them.
 */

export const orderIdRules: ValidationChain[] = [param('id').isUUID().withMessage('must be an order id (a UUID)')];

export const listOrdersRules: ValidationChain[] = [
  query('limit')
    .optional()
    .isInt({ min: 1, max: ORDER_PAGE_MAX_SIZE })
    .withMessage(`must be an integer from 1 to ${ORDER_PAGE_MAX_SIZE}`)
    .toInt(),
  query('cursor')
    .optional()
    .isString()
    .withMessage('must be a string')
    .bail()
    .isLength({ min: 1, max: MAX_CURSOR_LENGTH })
    .withMessage('is not a cursor'),
  query('status')
    .optional()
    .isIn(ORDER_STATUSES)
    .withMessage(`must be one of ${ORDER_STATUSES.join(', ')}`),
  query('userId').optional().isUUID().withMessage('must be a user id (a UUID)'),
];

// RFC 8941 sf-string: printable ASCII in double quotes, with `"` and `\` escaped by a backslash.
const SF_STRING = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/;

/**
 * The key in an `Idempotency-Key` header, or `''` when there is none. The IETF draft defines the header as a
 * Structured Field string (`Idempotency-Key: "8e03978e-…"`); most clients (Stripe's SDKs among them) send the
 * bare key. Both are accepted: a value in sf-string form is unquoted, anything else is taken as it is (and
 * the domain checks it: 1 to 128 visible ASCII characters).
 */
export function idempotencyKeyOf(header: string | undefined): string {
  const value = (header ?? '').trim();
  const quoted = SF_STRING.exec(value);
  return quoted?.[1] === undefined ? value : quoted[1].replace(/\\(["\\])/g, '$1');
}
