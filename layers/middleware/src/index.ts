// The public surface of @lambdalith/middleware. Anything not exported here is private: there are no deep imports.
export {
  HttpError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  PreconditionFailedError,
  PreconditionRequiredError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InternalServerError,
  ServiceUnavailableError,
  isHttpError,
  type FieldError,
  type HttpErrorOptions,
} from './errors/http-errors';
export {
  errorHandler,
  sendProblem,
  PROBLEM_CONTENT_TYPE,
  type ErrorHandlerOptions,
  type ErrorLogger,
  type ProblemDocument,
} from './errors/error-handler';
export { notFound, methodNotAllowed } from './errors/routing';
export { jsonBody, type JsonBodyMiddleware, type JsonBodyOptions } from './body/json-body';
export { withLambdaInvoke, getLambdaInvoke, type LambdaInvoke, type LambdaHttpEvent } from './context/lambda-invoke';
export {
  rejectIncompleteHttpEvents,
  type EventGuardLogger,
  type EventGuardOptions,
} from './context/lambda-event-guard';
export {
  requestContext,
  getRequestContext,
  requestContextOf,
  findRequestContext,
  type RequestContext,
  type RequestContextOptions,
  type Principal,
} from './context/request-context';
export {
  createLogger,
  type CreateLoggerOptions,
  type LogFormatName,
  type LogLevelName,
  type Logger,
} from './logging/create-logger';
export { redactSecrets, REDACTED } from './logging/redact';
export { requestLogger, type RequestLoggerOptions } from './logging/request-logger';
export {
  createMetrics,
  metricsEnabled,
  MetricUnit,
  type CreateMetricsOptions,
  type Metrics,
} from './metrics/create-metrics';
export { requestMetrics, UNMATCHED_ROUTE, type RequestMetricsOptions } from './metrics/request-metrics';
export { authenticate, type AuthenticateOptions, type VerifiedClaims } from './auth/authenticate';
export { getAuth } from './auth/get-auth';
export { requireRole } from './auth/require-role';
export { createTokenIssuer, type IssuedToken, type TokenIssuer, type TokenIssuerOptions } from './auth/token-issuer';
export { MIN_HS256_SECRET_BYTES } from './auth/hs256-secret';
export { validate, validatedData } from './validation/validate';
// The builders the app writes its rules with, so the app and this package share one express-validator. They
// record chains that validate() builds on first use, so express-validator loads only when a request needs it.
export { body, query, param, header, checkExact, matchedData } from './validation/deferred-chains';
export type { ValidationChain } from 'express-validator';
export { rateLimit, type RateLimitOptions } from './rate-limit/rate-limit';
export { clientAddressKey } from './rate-limit/client-address-key';
export { fixedWindow, type RateLimitCount, type RateLimitStore } from './rate-limit/rate-limit-store';
export { MemoryRateLimitStore } from './rate-limit/memory-rate-limit-store';
export { securityHeaders } from './security/security-headers';
export { corsPolicy, isOrigin, type CorsPolicyOptions } from './security/cors-policy';
export { middlewareVersion } from './version';
