import { createHash } from 'node:crypto';
import type { OrderDraft } from './order';

/**
 * Idempotency of `POST /orders`, after the IETF `Idempotency-Key` draft (draft-ietf-httpapi-idempotency-key-header)
 * and Powertools for AWS Lambda's idempotency utility:
 * - the first request with a key stores a record *in progress* (with a fingerprint of its payload) before it
 *   does anything; the record is completed with the response in the same transaction that writes the order;
 * - a retry with the same key and payload gets the stored response; with another payload, an error (422);
 *   while the first is still in progress, an error (409);
 * - records live 24 hours; an in-progress record is only honoured until its in-progress expiry, so a request
 *   that crashed between claiming the key and finishing cannot block the key for the whole day.
 */

/** Keys: 1 to 128 visible ASCII characters (the draft leaves the length open; Stripe and others use ~255). */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,128}$/;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;
/** How long a completed key replays its response (the draft and Powertools both suggest a day). */
export const IDEMPOTENCY_RECORD_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long an in-progress record holds its key. Longer than any request can run (the function's timeout
 * is 10 s), so a live request is never overtaken; short enough that a crashed one frees the key soon.
 */
export const IDEMPOTENCY_IN_PROGRESS_SECONDS = 30;

/** Why a key is unacceptable, or `undefined`. */
export function idempotencyKeyViolation(key: string): string | undefined {
  return IDEMPOTENCY_KEY_PATTERN.test(key)
    ? undefined
    : `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`;
}

/**
 * The fingerprint of a request's payload: SHA-256 of its canonical form (fields in a fixed order), so the same
 * order sent with its JSON keys in another order, or other whitespace, is the same payload.
 */
export function payloadFingerprint(draft: OrderDraft): string {
  const canonical = JSON.stringify({
    currency: draft.currency,
    items: draft.items.map((item) => [item.sku, item.quantity, item.unitPrice]),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
