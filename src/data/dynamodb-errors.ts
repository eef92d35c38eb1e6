import type { CancellationReason } from '@aws-sdk/client-dynamodb';

// Errors that mean "DynamoDB is not answering right now", as opposed to "the request was wrong".
// Throttling and 5xx are retried by the SDK already; reaching us means the bounded retries ran out.
const UNAVAILABLE_ERROR_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Whether an AWS SDK failure means "DynamoDB is unavailable right now" (timeouts, throttling after the SDK's
 * own retries, 5xx, network errors), as opposed to "the request was wrong". The HTTP edge
 * (`src/routes/problem-map.ts`) answers those with a 503 and `Retry-After`; anything else is left alone.
 */
export function isDynamoDbUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    UNAVAILABLE_ERROR_NAMES.has(error.name) ||
    (typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code)) ||
    (typeof status === 'number' && status >= 500)
  );
}

/** Whether a single-item write was refused because its `ConditionExpression` did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Whether a single-item write met an item inside another transaction. The SDK does not retry it and it says
 * nothing about the outcome: see `transaction-retry.ts`.
 */
export function isTransactionConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionConflictException';
}

/** Whether one item of a cancelled transaction failed its condition (reasons come one per item, in order). */
export function failedCondition(reason: CancellationReason | undefined): boolean {
  return reason?.Code === 'ConditionalCheckFailed';
}

/** A cancelled transaction's reasons, one code per item, for an error message: `None, ConditionalCheckFailed`. */
export function describeCancellation(reasons: readonly CancellationReason[]): string {
  return reasons.map((reason) => reason.Code ?? 'None').join(', ');
}
