import { ServiceUnavailableError, type HttpError } from '@lambdalith/middleware';

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
const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * Maps an AWS SDK failure that means "DynamoDB is unavailable" to a 503 problem with `Retry-After`.
 * Anything else is left alone (and becomes a 500 if nothing else claims it).
 */
export function toServiceUnavailable(error: unknown): HttpError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (
    UNAVAILABLE_ERROR_NAMES.has(error.name) ||
    (typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code)) ||
    (typeof status === 'number' && status >= 500)
  ) {
    return new ServiceUnavailableError('The database is temporarily unavailable; retry shortly', {
      cause: error,
      retryAfterSeconds: 2,
    });
  }
  return undefined;
}
