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
